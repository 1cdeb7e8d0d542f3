import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Requests from the portal to the provider (discovery, keys, token), over Foundation's URL
/// loading (libcurl on Linux), with a time limit and a cap on what is read.
enum ProviderFetch {
    static let timeout: TimeInterval = 10
    static let maxBytes = 1 << 20

    struct Answer {
        let status: Int
        let body: [UInt8]
    }

    /// HTTPS, or plain HTTP to this machine only (a provider on loopback): a client secret and
    /// ID tokens never cross a network in clear.
    static func checkTransport(_ url: URL) throws(OIDCError) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            throw .configuration("\(url.absoluteString) is not an absolute URL")
        }
        if scheme == "https" { return }
        let loopback = host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
        guard scheme == "http", loopback else {
            throw .configuration("\(url.absoluteString) must use https (plain http only to this machine)")
        }
    }

    static func get(_ url: URL) throws(OIDCError) -> Answer {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return try send(request)
    }

    /// A form POST, with HTTP Basic client authentication when `basic` is given.
    static func postForm(_ url: URL, _ fields: [(String, String)], basic: (String, String)?) throws(OIDCError) -> Answer {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let (user, password) = basic {
            // RFC 6749 §2.3.1: both parts form-encoded before base64.
            let pair = formEncode(user) + ":" + formEncode(password)
            request.setValue("Basic " + Data(pair.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        }
        request.httpBody = Data(fields.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&").utf8)
        return try send(request)
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    final class Outcome: @unchecked Sendable {
        var answer: Answer?
        var failure: String?
    }

    static func send(_ request: URLRequest) throws(OIDCError) -> Answer {
        guard let url = request.url else { throw .configuration("no URL") }
        try checkTransport(url)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                outcome.failure = error.localizedDescription
            } else if let http = response as? HTTPURLResponse {
                let body = data ?? Data()
                if body.count > maxBytes { outcome.failure = "answer larger than \(maxBytes) bytes" }
                else { outcome.answer = Answer(status: http.statusCode, body: [UInt8](body)) }
            } else {
                outcome.failure = "no HTTP answer"
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            throw .provider("\(url.absoluteString) did not answer within \(Int(timeout)) s")
        }
        if let failure = outcome.failure { throw .provider("\(url.absoluteString): \(failure)") }
        guard let answer = outcome.answer else { throw .provider("\(url.absoluteString): no answer") }
        return answer
    }
}
