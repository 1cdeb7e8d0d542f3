import Foundation
import HTTP
import Store
import Synchronization

/// The pages the public sees most — the home page, the map page and layer pages — kept as rendered for as
/// long as the store's facts are unchanged (`LayerRepository.factsRevision`: layers, versions,
/// grants, agencies, sectors, settings), by address and language. Only for requests without a
/// session cookie, whose pages carry nothing of anyone (no name, no CSRF token, no cookie);
/// served by the routes' fast handlers on the I/O thread.
final class PublicPages: Sendable {
    struct Key: Hashable {
        let target: String
        let language: Language
    }

    /// Pages kept at most (addresses with queries are the visitor's to choose).
    static let maxEntries = 256
    private let pages = Mutex<[Key: (revision: UInt64, response: Response)]>([:])

    func page(_ key: Key, revision: UInt64) -> Response? {
        pages.withLock { pages in
            guard let kept = pages[key], kept.revision == revision else { return nil }
            return kept.response
        }
    }

    func keep(_ response: Response, for key: Key, renderedAt revision: UInt64) {
        pages.withLock { pages in
            if pages.count >= Self.maxEntries { pages.removeAll(keepingCapacity: true) }
            pages[key] = (revision, response)
        }
    }
}

extension Portal {
    /// A request the public pages' copies may answer: GET or HEAD, without a session cookie.
    static func isPublicPageRequest(_ request: Request) -> Bool {
        (request.method == .GET || request.method == .HEAD) && request.cookies[SessionPolicy.cookieName] == nil
    }

    /// The kept copy of the page `request` asks for, when there is a current one.
    func keptPublicPage(_ request: Request) -> Response? {
        guard Self.isPublicPageRequest(request) else { return nil }
        return publicPages.page(PublicPages.Key(target: request.target, language: Localizer.language(for: request)),
                                revision: layers.factsRevision)
    }

    /// Renders a page, and keeps the public's copy of it. The revision is read before rendering,
    /// so a change during the render leaves a copy that is already out of date, never a stale
    /// one taken for current.
    func keepingPublicPage(_ request: Request, _ render: (Request) throws -> Response) throws -> Response {
        guard Self.isPublicPageRequest(request) else { return try render(request) }
        let revision = layers.factsRevision
        let response = try render(request)
        if response.status == 200, !response.headers.contains("Set-Cookie") {
            publicPages.keep(response, for: PublicPages.Key(target: request.target, language: Localizer.language(for: request)),
                             renderedAt: revision)
        }
        return response
    }
}
