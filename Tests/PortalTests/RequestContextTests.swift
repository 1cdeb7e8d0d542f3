import Foundation
import HTTP
@testable import Portal
import Store
import Testing

/// The request context: resolved once by the middleware, read by every handler.
@Suite struct RequestContextTests {
    @Test func theMiddlewareResolvesTheContextBeforeAnyHandler() throws {
        let demo = try #require(DemoFixture.shared)
        var browser = Browser(demo)
        #expect(try browser.signIn("syt.approver").status == 303)
        let router = demo.portal.makeRouter()
        router.get("/probe") { request in
            let context = request.context as? RequestContext
            return .text("\(context?.actor?.username ?? "none") \(context?.language.rawValue ?? "-") \(context?.csrfToken != nil)")
        }
        let cookie = "bando_session=\(browser.cookies["bando_session"] ?? ""); lang=en"
        let signedIn = try router.handler(try Request(method: .GET, target: "/probe", headers: ["Cookie": cookie]))
        #expect(MetricsTests.text(signedIn) == "syt.approver en true")
        let visitor = try router.handler(try Request(method: .GET, target: "/probe"))
        #expect(MetricsTests.text(visitor) == "none vi false")
    }

    @Test func handlersReadTheContextInsteadOfLookingTheSessionUpAgain() throws {
        let demo = try #require(DemoFixture.shared)
        // A context naming someone whose session is in no table: only the context can say who it is.
        let now = Date()
        let session = Session(tokenHash: "not-stored", userID: 999_999, csrfToken: "token-from-the-context",
                              createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(60))
        let actor = Actor(userID: 999_999, username: "context.only", displayName: "C", agencyID: 1, agencyCode: "x", role: .viewer)
        var request = try Request(method: .GET, target: "/")
        request.context = RequestContext(session: session, actor: actor, language: .en)
        #expect(demo.portal.signedIn(request)?.actor.username == "context.only")
        #expect(demo.portal.csrfToken(request).token == "token-from-the-context")
        #expect(Localizer.language(for: request) == .en)
    }
}
