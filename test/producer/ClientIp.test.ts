import { assert, describe, it } from "@effect/vitest"
import { fakeClientIp, localUniqueIdPrefix, selectClientIp } from "../../src/producer/ClientIp.ts"
import { formatIpAddress } from "../../src/protocol/IpAddress.ts"

describe("ClientIp", () => {
  it("picks the client address as Java's UtilAll.getIP does", () => {
    const v4 = (address: string) => ({ address, family: "IPv4" })
    const v6 = (address: string) => ({ address, family: "IPv6" })
    const pick = (interfaces: Parameters<typeof selectClientIp>[0]) => {
      const ip = selectClientIp(interfaces)
      return ip === undefined ? undefined : formatIpAddress(ip)
    }
    assert.strictEqual(pick({ lo: [v4("127.0.0.1"), v6("::1")], eth0: [v4("192.168.1.5"), v6("fe80::1")] }), "192.168.1.5")
    assert.strictEqual(pick({ lo: [v4("127.0.0.1")], eth0: [v4("172.16.0.2")], eth1: [v4("8.8.4.4")] }), "8.8.4.4")
    assert.strictEqual(pick({ lo: [v4("127.0.0.1")], eth0: [v6("fec0::1"), v6("fd00::2")] }), "fd00::2")
    assert.strictEqual(pick({ eth0: [v4("172.32.0.1")] }), "172.32.0.1")
    assert.strictEqual(pick({ lo: [v4("127.0.0.1")] }), "127.0.0.1")
    assert.strictEqual(pick({ lo: [v6("::1")], none: undefined }), undefined)
    assert.deepStrictEqual([...fakeClientIp(0x1_2345_6789)], [0x23, 0x45, 0x67, 0x89])
    const local = localUniqueIdPrefix(Date.now())
    assert.include([4, 16], local.ip.length)
    assert.strictEqual(local.pid, process.pid & 0xffff)
  })
})
