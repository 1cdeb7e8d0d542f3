import Foundation
import Mustache

/// The HTML templates of `Templates/`, loaded and checked once at start-up.
///
/// `{{x}}` escapes `& < > " '`; `{{{x}}}` is used only for HTML our own code built and escaped.
public struct Views: Sendable {
    let library: MustacheLibrary

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
            do { try library.register(text, named: name) } catch {
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
