import Foundation
import HTTP
import Mustache

/// The HTML templates of `Templates/`, loaded and checked once at start-up.
///
/// `{{x}}` escapes `& < > " '` — per Unicode scalar, by `ScalarHTMLEscaping`, which every
/// template is switched to as it loads; `{{{x}}}` is used only for HTML our own code built and
/// escaped.
public struct Views: Sendable {
    let library: MustacheLibrary

    /// The content-type pragma put before every template's text.
    static let pragma: String = {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: ScalarHTMLEscaping.name)
        return "{{% CONTENT_TYPE: \(ScalarHTMLEscaping.name) }}"
    }()

    /// Templates every part of the portal relies on.
    public static let required = ["layout", "home", "layer", "not_found", "error", "login", "profile"]

    public init(directory: String) throws(PortalError) {
        var library = MustacheLibrary()
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .template("cannot read \(directory)")
        }
        for file in names.sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else {
                throw .template("cannot read \(file) as UTF-8")
            }
            do { try library.register(Self.pragma + text, named: name) } catch {
                throw .template("\(file): \(error)")
            }
        }
        for name in Self.required where library.getTemplate(named: name) == nil {
            throw .template("\(directory) has no \(name).mustache")
        }
        self.library = library
    }

    /// Renders template `name` with `context`; a template that is not there renders a plain notice.
    public func render(_ name: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: name) ?? "template \(name) is missing"
    }
}

/// HTML escaping per Unicode scalar, for every template value.
///
/// swift-mustache 2.1.1 escapes per `Character` (grapheme cluster): a `"` or `>` followed by a
/// combining mark (U+0301) is one grapheme, unequal to `"`, and went out unescaped — opening an
/// attribute to whatever followed. `HTMLEscape` escapes the UTF-8 bytes and leaves no such gap.
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "BANDO_HTML"

    func escapeText(_ text: String) -> String { HTMLEscape.escape(text) }
}
