import { assert, describe, it } from "@effect/vitest"
import { makeTopicPublishInfo, masterAddresses } from "../../src/route/TopicPublishInfo.ts"
import { topicRouteData } from "../../src/testkit/RouteArbitraries.ts"

describe("TopicPublishInfo", () => {
  it.prop("every publish queue of a topic without orderTopicConf has its master in the same publish info", [topicRouteData], ([route]) => {
    const { orderTopicConf: _ignored, ...plain } = route
    const info = makeTopicPublishInfo("T", plain, false, 0)
    for (const queue of info.queues) assert.isDefined(info.masters.get(queue.brokerName), queue.brokerName)
  }, { arbitrary: { runs: 300 } })

  it.prop("masters: the broker-id-0 address of the first BrokerData of each name, and only those", [topicRouteData], ([route]) => {
    const masters = masterAddresses(route)
    const firsts = new Map<string, Record<string, string>>()
    for (const brokerData of route.brokerDatas) {
      if (!firsts.has(brokerData.brokerName)) firsts.set(brokerData.brokerName, brokerData.brokerAddrs)
    }
    for (const [brokerName, addrs] of firsts) {
      const zero = Object.entries(addrs).find(([id]) => /^[+-]?\d+$/.test(id) && BigInt(id) === 0n)
      assert.strictEqual(masters.get(brokerName), zero?.[1], brokerName)
    }
    assert.isTrue([...masters.keys()].every((name) => firsts.has(name)))
  }, { arbitrary: { runs: 300 } })

  it("a master listed as \"00\" counts, a slave does not", () => {
    const route = {
      brokerDatas: [
        { cluster: "C", brokerName: "a", brokerAddrs: { "00": "10.0.0.1:10911", "1": "10.0.0.2:10911" } },
        { cluster: "C", brokerName: "b", brokerAddrs: { "1": "10.0.0.3:10911" } },
        { cluster: "C", brokerName: "a", brokerAddrs: { "0": "10.0.0.9:10911" } }
      ],
      queueDatas: [],
      filterServerTable: {}
    }
    assert.deepStrictEqual([...masterAddresses(route)], [["a", "10.0.0.1:10911"]])
  })
})
