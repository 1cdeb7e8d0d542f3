import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromedriver` (package chromium-driver) run on a free port, driving Debian's
/// headless `chromium`. `stop()` ends the session, then kills chromedriver and every process
/// it started, so no browser outlives a test, failed or not.
final class ChromeDriver {
    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    let process = Process()
    let port: Int
    let folder: String
    private var sessions: [WebDriverSession] = []

    /// Starts chromedriver and waits until it reports ready.
    init(folder: String) throws {
        self.folder = folder
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: Self.driverPath)
        process.arguments = ["--port=\(port)"]
        let log = folder + "/chromedriver.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        var last = "no answer"
        while Date() < deadline {
            do {
                let status = try WebDriverHTTP.call("GET", "http://127.0.0.1:\(port)/status", nil) as? [String: Any]
                if (status?["ready"] as? NSNumber)?.boolValue == true { return }
                last = "\(status ?? [:])"
            } catch {
                last = "\(error)"
            }
            usleep(100_000)
        }
        stop()
        throw WebDriverHTTP.Failure(description: "chromedriver did not become ready on port \(port): \(last)")
    }

    /// A new headless browser session with a window of `width` × `height`; with `phonePixelRatio`,
    /// a phone's screen of that size and pixel ratio (headless windows are at least 500 wide).
    func session(width: Int, height: Int, phonePixelRatio: Int? = nil) throws -> WebDriverSession {
        let profile = folder + "/profile-\(sessions.count)"
        var options: [String: Any] = [
            "binary": Self.browserPath,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=\(max(width, 500)),\(height)", "--user-data-dir=\(profile)"],
        ]
        if let ratio = phonePixelRatio {
            options["mobileEmulation"] = ["deviceMetrics": ["width": width, "height": height, "pixelRatio": ratio]]
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": options,
        ] as [String: Any]]]
        guard let created = try WebDriverHTTP.call("POST", "http://127.0.0.1:\(port)/session", capabilities) as? [String: Any],
              let id = created["sessionId"] as? String else {
            throw WebDriverHTTP.Failure(description: "chromedriver created no session")
        }
        let session = WebDriverSession(base: "http://127.0.0.1:\(port)/session/\(id)")
        sessions.append(session)
        return session
    }

    /// Ends the sessions, then kills chromedriver and its descendants (the browsers).
    func stop() {
        for session in sessions { try? session.delete() }
        sessions.removeAll()
        let pid = process.processIdentifier
        let children = pid > 0 ? Self.descendants(of: pid) : []
        for child in children { kill(child, SIGKILL) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// Every process below `root`, from /proc.
    static func descendants(of root: pid_t) -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[pid] = parent }
        }
        var found: [pid_t] = []
        var frontier = [root]
        while let next = frontier.popLast() {
            for (pid, parent) in parents where parent == next {
                found.append(pid)
                frontier.append(pid)
            }
        }
        return found
    }

    /// A TCP port nobody listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WebDriverHTTP.Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Int32 in
                guard bind(fd, sa, length) == 0 else { return -1 }
                return getsockname(fd, sa, &length)
            }
        }
        guard bound == 0 else { throw WebDriverHTTP.Failure(description: "bind: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One browser session, through the W3C WebDriver HTTP API.
struct WebDriverSession {
    let base: String

    func navigate(_ url: String) throws { _ = try WebDriverHTTP.call("POST", base + "/url", ["url": url]) }
    func currentURL() throws -> String { try WebDriverHTTP.call("GET", base + "/url", nil) as? String ?? "" }
    func delete() throws { _ = try WebDriverHTTP.call("DELETE", base, nil) }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    func execute(_ script: String) throws -> Any? {
        try WebDriverHTTP.call("POST", base + "/execute/sync", ["script": script, "args": [] as [Any]])
    }

    /// The element matching a CSS selector.
    func element(_ css: String) throws -> String {
        guard let found = try WebDriverHTTP.call("POST", base + "/element", ["using": "css selector", "value": css])
                as? [String: Any],
              let id = found.values.first as? String else {
            throw WebDriverHTTP.Failure(description: "no element \(css)")
        }
        return id
    }

    func click(_ element: String) throws {
        _ = try WebDriverHTTP.call("POST", base + "/element/\(element)/click", [:] as [String: Any])
    }

    /// Types `text` into an element; for a file input, `text` is the path of the file to choose.
    func type(_ element: String, _ text: String) throws {
        _ = try WebDriverHTTP.call("POST", base + "/element/\(element)/value", ["text": text])
    }

    /// Fills the field matching `css` with `text` and returns nothing; throws when it is not there.
    func fill(_ css: String, _ text: String) throws {
        try type(try element(css), text)
    }

    /// The page's visible text.
    func pageText() throws -> String {
        try execute("return document.body.innerText;") as? String ?? ""
    }

    /// A PNG of the viewport.
    func screenshot() throws -> Data {
        guard let text = try WebDriverHTTP.call("GET", base + "/screenshot", nil) as? String,
              let png = Data(base64Encoded: text) else {
            throw WebDriverHTTP.Failure(description: "no screenshot")
        }
        return png
    }

    /// Polls `script` until it returns a number above zero (or true); returns that value.
    @discardableResult
    func wait(for what: String, timeout: TimeInterval = 20, _ script: String) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let value = try execute(script)
            if let number = value as? Int, number > 0 { return number }
            if let flag = value as? Bool, flag { return 1 }
            usleep(150_000)
        }
        throw WebDriverHTTP.Failure(description: "timed out after \(Int(timeout)) s waiting for \(what)")
    }
}

/// JSON over HTTP to chromedriver, one request per connection. Not URLSession: Foundation's
/// client on Linux refuses chromedriver's header lines, which have no space after the colon
/// ("Failed writing header"); `RawClient` reads them.
enum WebDriverHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `body` as JSON to `http://127.0.0.1:PORT/PATH` and returns the answer's `value`;
    /// a WebDriver error throws.
    static func call(_ method: String, _ url: String, _ body: Any?) throws -> Any? {
        guard let address = URL(string: url), let port = address.port else { throw Failure(description: "bad URL \(url)") }
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let client = try RawClient(port: port, timeout: 60)
        var head = "\(method) \(address.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if body != nil { head += "Content-Type: application/json; charset=utf-8\r\n" }
        head += "Content-Length: \(payload.count)\r\n\r\n"
        try client.send(Array(head.utf8) + Array(payload))
        let response = try client.readResponse()
        let object = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
        guard let reply = object as? [String: Any] else {
            throw Failure(description: "\(method) \(url): not JSON: \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        let value = reply["value"]
        if let problem = value as? [String: Any], let error = problem["error"] as? String {
            throw Failure(description: "\(method) \(url): \(error): \(problem["message"] as? String ?? "")")
        }
        return value is NSNull ? nil : value
    }
}
