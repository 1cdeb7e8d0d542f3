extension Request {
    /// The largest form body read into memory for `formFields()`.
    static let maxFormBytes = 16 * 1024 * 1024

    /// The fields of an `application/x-www-form-urlencoded` body, in order. Throws 400 for bad
    /// percent-encoding and 415 when the body is of another type.
    public func formFields() throws(HTTPError) -> [(name: String, value: String)] {
        if let contentType = headers["Content-Type"] {
            let type = HeaderParameters.parse(contentType).value
            guard HTTPHeaders.sameName(type, "application/x-www-form-urlencoded") else {
                throw HTTPError(415, "Expected a form body.")
            }
        }
        let bytes: [UInt8]
        switch body {
        case .none: return []
        case .bytes(let b): bytes = b
        case .file(let path, _): bytes = try BodyFileReader.readAll(path: path, limit: Self.maxFormBytes)
        }
        guard let pairs = PercentEncoding.decodePairs(bytes) else {
            throw HTTPError(400, "The form has invalid percent-encoding.")
        }
        return pairs
    }

    /// The first form field with that name (parses the body each call).
    public func formField(_ name: String) throws(HTTPError) -> String? {
        try formFields().first { $0.name == name }?.value
    }
}
