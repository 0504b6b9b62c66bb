/**
 * The testkit's TLS certificate: a test CA and a server certificate for `127.0.0.1` and `localhost`
 * signed by it (EC P-256, valid for 100 years), so that a testkit server can serve TLS without
 * files (`effect-rocketmq cluster --tls`). The same files, and the commands that made them, are in
 * the repository's `test/fixtures/tls`. Test material only: the private key is public.
 *
 * @since 0.1.0
 */

/**
 * The test CA's certificate (PEM): what a client trusts to reach a testkit server over TLS.
 *
 * @since 0.1.0
 * @category constants
 */
export const testCaCertificate = `-----BEGIN CERTIFICATE-----
MIIBqzCCAVGgAwIBAgIUH/KtT6mXG2QKDeIveug67RNs8PMwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXZWZmZWN0LXJvY2tldG1xIHRlc3QgY2EwIBcNMjYxMTI5MTY0
OTExWhgPMjEyNjExMDUxNjQ5MTFaMCIxIDAeBgNVBAMMF2VmZmVjdC1yb2NrZXRt
cSB0ZXN0IGNhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWxVHcXtW7t28dyyZ
9rat8KcIviC8HK919T9tv5Maweuvhxb9+aDabavW9kc13bCXUfayU4Bo+MfTIfPk
I/z1QaNjMGEwHQYDVR0OBBYEFI68nWJ+S/BaCwjyTmgk+LA2HHL+MB8GA1UdIwQY
MBaAFI68nWJ+S/BaCwjyTmgk+LA2HHL+MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0P
AQH/BAQDAgEGMAoGCCqGSM49BAMCA0gAMEUCIB0dDLGJxhTqJhT07NkAm00hMC01
Zrpl4GAlUaEqQhrKAiEA2eT/MnmffUobSGoZhxzu/Yt/Xi6IvZqzd2mVcxvk8z8=
-----END CERTIFICATE-----
`

/**
 * The testkit server's certificate (PEM), for `127.0.0.1` and `localhost`, signed by the test CA.
 *
 * @since 0.1.0
 * @category constants
 */
export const testServerCertificate = `-----BEGIN CERTIFICATE-----
MIIByzCCAXCgAwIBAgIUUBRCc9VY+TVzFe1cZqIQJ47XPJgwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXZWZmZWN0LXJvY2tldG1xIHRlc3QgY2EwIBcNMjYxMTI5MTY0
OTExWhgPMjEyNjExMDUxNjQ5MTFaMBExDzANBgNVBAMMBnNlcnZlcjBZMBMGByqG
SM49AgEGCCqGSM49AwEHA0IABPrQkltgjKYjEAINJ82G4bOKb5sOfcWIH0FC9yW7
D6QrugiQ0I1NLCQYyVXljhh4MWkTMXnib1gjDZx8pqeuTASjgZIwgY8wDAYDVR0T
AQH/BAIwADAOBgNVHQ8BAf8EBAMCBaAwEwYDVR0lBAwwCgYIKwYBBQUHAwEwGgYD
VR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MB0GA1UdDgQWBBTcXpfWeJOMk7icn+NF
+qlvfPMgXTAfBgNVHSMEGDAWgBSOvJ1ifkvwWgsI8k5oJPiwNhxy/jAKBggqhkjO
PQQDAgNJADBGAiEAjcyjt/sksTd4kKjnuhLN3Vffse3HrMgvJnsx8zCpx1QCIQDM
upHv9Z3EFzMOoMXcyA4SewGqeEpWpgOOlWE5b5lV2w==
-----END CERTIFICATE-----
`

/**
 * The testkit server certificate's private key (PEM). Public: for tests only.
 *
 * @since 0.1.0
 * @category constants
 */
export const testServerKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgynqisauoNVrWeguL
x2vD6xUueVjUOCPjuVG114Y38EqhRANCAAT60JJbYIymIxACDSfNhuGzim+bDn3F
iB9BQvcluw+kK7oIkNCNTSwkGMlV5Y4YeDFpEzF54m9YIw2cfKanrkwE
-----END PRIVATE KEY-----
`

/**
 * The settings that make a testkit server serve TLS with the test certificate.
 *
 * @since 0.1.0
 * @category constants
 */
export const testServerTls = { cert: testServerCertificate, key: testServerKey } as const
