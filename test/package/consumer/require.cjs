// A CommonJS user: require() of both entry points resolves through the exports map.
const root = require("effect-rocketmq")
const testkit = require("effect-rocketmq/testkit")
console.log(JSON.stringify({
  producer: typeof root.Producer,
  makeMessage: typeof root.makeMessage,
  makeTestCluster: typeof testkit.makeTestCluster
}))
