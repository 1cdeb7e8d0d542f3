import Formats

/// Writes an XML document element by element, escaping every text and attribute value per
/// Unicode scalar (`& < > " '`), and leaving out the scalars XML 1.0 does not allow (the C0
/// controls but tab, line feed and carriage return; U+FFFE, U+FFFF), so no value can break the
/// document or open markup of its own.
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var open: [String] = []

    /// Opens `name` with `attributes` (written in the order given).
    mutating func start(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"" + Self.escape(value) + "\"" }
        text += ">"
        open.append(name)
    }

    /// Closes the element opened last.
    mutating func end() {
        guard let name = open.popLast() else { return }
        text += "</" + name + ">"
    }

    /// `<name attributes>value</name>`, or `<name attributes/>` when `value` is nil.
    mutating func element(_ name: String, _ value: String? = nil, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"" + Self.escape(value) + "\"" }
        if let value {
            text += ">" + Self.escape(value) + "</" + name + ">"
        } else {
            text += "/>"
        }
    }

    /// The document, every element closed.
    mutating func finish() -> String {
        while !open.isEmpty { end() }
        return text
    }

    /// `value` as XML text or attribute content (characters XML cannot carry are dropped).
    static func escape(_ value: String) -> String { XMLText.escape(value) }
}
