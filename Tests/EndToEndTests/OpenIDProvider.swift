import Foundation

/// Glewlwyd, Debian's OpenID Connect provider, started on loopback for one test: its own SQLite
/// database, an RSA signing key made by `openssl`, provisioned through its admin REST API (an
/// OIDC plugin with PKCE, users, one confidential client). Stopped (SIGTERM) when released.
final class OpenIDProvider {
    static let binary = "/usr/bin/glewlwyd"
    let folder: String
    let port: Int
    let process = Process()
    var issuer: String { "http://127.0.0.1:\(port)/api/oidc" }
    private var admin = ProviderJar(port: 0)

    struct Failure: Error, CustomStringConvertible { let description: String }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw Failure(description: "glewlwyd is not installed (scripts/test.sh installs it)")
        }
        folder = NSTemporaryDirectory() + "bando-idp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.shell("zcat /usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz | sqlite3 '\(folder)/gw.db'")
        try Self.shell("openssl genrsa -traditional -out '\(folder)/key.pem' 2048 && openssl rsa -in '\(folder)/key.pem' -pubout -out '\(folder)/pub.pem'")
        port = try Self.freePort()
        let config = """
            port=\(port)
            bind_address="127.0.0.1"
            external_url="http://127.0.0.1:\(port)"
            login_url="login.html"
            api_prefix="api"
            static_files_path="/usr/share/glewlwyd/webapp/"
            log_mode="console"
            log_level="WARNING"
            cookie_secure=0
            session_expiration=3600
            session_key="GLEWLWYD2_SESSION_ID"
            admin_session_authentication="cookie"
            profile_session_authentication="cookie"
            allow_multiple_user_per_session=true
            login_api_enabled=true
            admin_scope="g_admin"
            profile_scope="g_profile"
            user_module_path="/usr/lib/glewlwyd/user"
            client_module_path="/usr/lib/glewlwyd/client"
            user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
            plugin_module_path="/usr/lib/glewlwyd/plugin"
            hash_algorithm = "SHA512"
            database = { type = "sqlite3"; path = "\(folder)/gw.db"; };
            """
        try config.write(toFile: folder + "/gw.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--config-file=\(folder)/gw.conf"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        _ = FileManager.default.createFile(atPath: folder + "/gw.log", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: folder + "/gw.log")
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while (try? RawClient(port: port, timeout: 1)) == nil {
            guard Date() < deadline, process.isRunning else {
                throw Failure(description: "glewlwyd did not start: \((try? String(contentsOfFile: folder + "/gw.log", encoding: .utf8)) ?? "")")
            }
            usleep(50_000)
        }
        try provision()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Stops the provider now (a provider that is down).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() }
    }

    private func provision() throws {
        admin = ProviderJar(port: port)
        try admin.expect(200, admin.json("POST", "/api/auth/", ["username": "admin", "password": "password"]))
        let key = try String(contentsOfFile: folder + "/key.pem", encoding: .utf8)
        let cert = try String(contentsOfFile: folder + "/pub.pem", encoding: .utf8)
        try admin.expect(200, admin.json("POST", "/api/mod/plugin/", [
            "module": "oidc", "name": "oidc", "display_name": "OIDC", "enabled": true,
            "parameters": [
                "iss": issuer, "jwt-type": "rsa", "jwt-key-size": "256", "key": key, "cert": cert,
                "access-token-duration": 3600, "refresh-token-duration": 1_209_600, "code-duration": 600,
                "allow-non-oidc": false, "auth-type-code-enabled": true, "auth-type-code-revoke-replayed": true,
                "auth-type-token-enabled": false, "auth-type-id-token-enabled": false, "auth-type-none-enabled": false,
                "auth-type-password-enabled": false, "auth-type-client-enabled": false, "auth-type-refresh-enabled": false,
                "pkce-allowed": true, "pkce-method-plain-allowed": false, "subject-type": "public",
                "name-claim": "mandatory", "email-claim": "mandatory",
                "claims": [
                    ["name": "preferred_username", "user-property": "username", "type": "string", "mandatory": true],
                    ["name": "agency", "user-property": "agency", "type": "string", "mandatory": true],
                ],
            ] as [String: Any],
        ]))
        // The user module keeps an `agency` property, which the `agency` claim carries.
        let module = try admin.json("GET", "/api/mod/user/database", nil)
        guard var document = try JSONSerialization.jsonObject(with: Data(module.body)) as? [String: Any],
              var parameters = document["parameters"] as? [String: Any],
              var format = parameters["data-format"] as? [String: Any] else { throw Failure(description: "user module: \(module.text)") }
        format["agency"] = ["multiple": false, "read": true, "write": true, "profile-read": true, "profile-write": false]
        parameters["data-format"] = format
        document["parameters"] = parameters
        try admin.expect(200, admin.json("PUT", "/api/mod/user/database", document))
        try admin.expect(200, admin.json("PUT", "/api/mod/user/database/reset/", nil))
    }

    /// An official known to the provider.
    func addUser(_ username: String, name: String, password: String, agency: String) throws {
        try admin.expect(200, admin.json("POST", "/api/user/", [
            "username": username, "name": name, "email": "\(username)@example.gov.vn", "password": password,
            "scope": ["openid"], "enabled": true, "agency": agency,
        ]))
    }

    /// The portal as a confidential client of the provider.
    func addClient(id: String, secret: String, redirectURI: String) throws {
        try admin.expect(200, admin.json("POST", "/api/client/", [
            "client_id": id, "name": id, "confidential": true, "password": secret, "redirect_uri": [redirectURI],
            "authorization_type": ["code"], "scope": ["openid"], "enabled": true,
            "token_endpoint_auth_method": ["client_secret_basic"],
        ]))
    }

    /// What an official does at the provider, without its web pages' script: follows the portal's
    /// redirect to the authorization endpoint, signs in with a password, grants the scope, and
    /// returns where the provider sends the browser back (the portal's callback, with a code).
    func authorize(_ authorizationURL: String, username: String, password: String) throws -> String {
        var browser = ProviderJar(port: port)
        let target = try Self.localTarget(authorizationURL)
        let first = try browser.request("GET", target)
        guard first.status == 302, first.header("Location")?.contains("login.html") == true else {
            throw Failure(description: "authorization endpoint: \(first.status) \(first.header("Location") ?? first.text)")
        }
        try browser.expect(200, browser.json("POST", "/api/auth/", ["username": username, "password": password]))
        try browser.expect(200, browser.json("PUT", "/api/auth/grant/\(Self.query(authorizationURL, "client_id") ?? "")",
                                             ["scope": "openid"]))
        let back = try browser.request("GET", target + "&g_continue")
        guard back.status == 302, let location = back.header("Location") else {
            throw Failure(description: "after sign-in: \(back.status) \(back.text)")
        }
        return location
    }

    /// Path and query of an absolute URL.
    static func localTarget(_ url: String) throws -> String {
        guard let components = URLComponents(string: url) else { throw Failure(description: "not a URL: \(url)") }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    static func query(_ url: String, _ name: String) -> String? {
        URLComponents(string: url)?.queryItems?.first { $0.name == name }?.value
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "failed: \(command)") }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A client of the provider's JSON API on raw sockets, keeping its cookies.
struct ProviderJar {
    let port: Int
    var cookies: [String: String] = [:]

    mutating func request(_ method: String, _ target: String, body: [UInt8] = [], contentType: String? = nil) throws -> RawClient.Response {
        let client = try RawClient(port: port)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if !cookies.isEmpty { head += "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        try client.send(Array(head.utf8) + body)
        let response = try client.readResponse()
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2 { cookies[String(pair[0])] = pair[1].isEmpty ? nil : String(pair[1]) }
        }
        return response
    }

    mutating func json(_ method: String, _ target: String, _ value: Any?) throws -> RawClient.Response {
        let body = try value.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) } ?? []
        return try request(method, target, body: body, contentType: value == nil ? nil : "application/json")
    }

    func expect(_ status: Int, _ response: RawClient.Response) throws {
        guard response.status == status else {
            throw OpenIDProvider.Failure(description: "provider answered \(response.status), not \(status): \(response.text.prefix(300))")
        }
    }
}
