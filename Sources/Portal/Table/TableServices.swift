import Store

/// What the attribute table and the downloads share across requests: the kept orders of
/// sorted and filtered tables, and the GeoJSON files of versions (written one at a time per
/// version).
final class TableServices: Sendable {
    let orders: AttributeOrderCache
    let exports: ExportCache

    /// Services with the export files in `<dataDirectory>/exports`.
    init(dataDirectory: String, orders: AttributeOrderCache = AttributeOrderCache()) {
        self.orders = orders
        self.exports = ExportCache(directory: dataDirectory + "/exports")
    }
}
