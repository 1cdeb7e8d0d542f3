import Foundation
import Formats
import Geometry
import Store

/// One link of an OGC API document.
struct FeaturesLink {
    var href: String
    var rel: String
    var type: String
    var title: String

    func append(to text: inout String) {
        text += "{\"href\":"
        JSONText.appendString(href, to: &text)
        text += ",\"rel\":"
        JSONText.appendString(rel, to: &text)
        text += ",\"type\":"
        JSONText.appendString(type, to: &text)
        text += ",\"title\":"
        JSONText.appendString(title, to: &text)
        text += "}"
    }

    static func array(_ links: [FeaturesLink], to text: inout String) {
        text += "["
        for (i, link) in links.enumerated() {
            if i > 0 { text += "," }
            link.append(to: &text)
        }
        text += "]"
    }
}

/// The JSON documents of OGC API – Features Part 1 (OGC 17-069r4): landing page, conformance,
/// collections, a collection, items and an item. Written straight into text with `JSONText`.
enum FeaturesDocuments {
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    static let geoJSON = "application/geo+json"
    static let json = "application/json"
    static let html = "text/html"
    static let openAPI = "application/vnd.oai.openapi+json;version=3.0"

    static let conformance = [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    ]

    static func landing(base: String, title: String, description: String) -> String {
        var text = "{\"title\":"
        JSONText.appendString(title, to: &text)
        text += ",\"description\":"
        JSONText.appendString(description, to: &text)
        text += ",\"links\":"
        FeaturesLink.array([
            FeaturesLink(href: base + "?f=json", rel: "self", type: json, title: "This document"),
            FeaturesLink(href: base + "?f=html", rel: "alternate", type: html, title: "This document as HTML"),
            FeaturesLink(href: base + "/api", rel: "service-desc", type: openAPI, title: "The API definition"),
            FeaturesLink(href: base + "/conformance", rel: "conformance", type: json, title: "Conformance classes"),
            FeaturesLink(href: base + "/collections", rel: "data", type: json, title: "Collections"),
        ], to: &text)
        return text + "}"
    }

    static func conformanceDocument() -> String {
        var text = "{\"conformsTo\":["
        for (i, uri) in conformance.enumerated() {
            if i > 0 { text += "," }
            JSONText.appendString(uri, to: &text)
        }
        return text + "]}"
    }

    /// A collection's description (its `links` lead to its items).
    static func appendCollection(_ layer: LayerSummary, metadata: LayerMetadata?, base: String, to text: inout String) {
        let href = base + "/collections/" + WMSCapabilities.percentEncoded(layer.slug)
        text += "{\"id\":"
        JSONText.appendString(layer.slug, to: &text)
        text += ",\"title\":"
        JSONText.appendString(layer.title, to: &text)
        text += ",\"description\":"
        JSONText.appendString(layer.description, to: &text)
        text += ",\"keywords\":["
        for (i, word) in (metadata?.keywords ?? []).enumerated() {
            if i > 0 { text += "," }
            JSONText.appendString(word, to: &text)
        }
        text += "],\"itemType\":\"feature\",\"crs\":["
        text += FeaturesCRS.offered.map { "\"\($0.uri)\"" }.joined(separator: ",")
        text += "],\"storageCrs\":\"\(crs84)\",\"extent\":{"
        let box = layer.extent.map(WMSCapabilities.box) ?? WebMercator.lonLatWorldBounds
        text += "\"spatial\":{\"bbox\":[[" + [box.minX, box.minY, box.maxX, box.maxY].map(WMSCapabilities.number).joined(separator: ",")
        text += "]],\"crs\":\"\(crs84)\"}"
        if let day = metadata?.dataDate {
            text += ",\"temporal\":{\"interval\":[[\"\(day)T00:00:00Z\",\"\(day)T23:59:59Z\"]],"
            text += "\"trs\":\"http://www.opengis.net/def/uom/ISO-8601/0/Gregorian\"}"
        }
        text += "},\"links\":"
        var links = [
            FeaturesLink(href: href + "?f=json", rel: "self", type: json, title: layer.title),
            FeaturesLink(href: href + "?f=html", rel: "alternate", type: html, title: layer.title),
            FeaturesLink(href: href + "/items?f=json", rel: "items", type: geoJSON, title: layer.title),
            FeaturesLink(href: href + "/items?f=html", rel: "items", type: html, title: layer.title),
        ]
        if let license = metadata?.license, license.hasPrefix("http") {
            links.append(FeaturesLink(href: license, rel: "license", type: html, title: license))
        }
        FeaturesLink.array(links, to: &text)
        text += "}"
    }

    /// One feature as GeoJSON in `crs` (millimetres for projected systems), its id the feature's
    /// identity across versions.
    static func appendItem(_ item: FeatureItem, crs: FeaturesCRS, links: [FeaturesLink]?, to text: inout String) {
        text += "{\"type\":\"Feature\",\"id\":\(item.fid),\"geometry\":"
        let decimals = crs.crs.isProjected ? 3 : 7
        text += item.geometry.flatMap(crs.project).map { GeoJSON.string(for: $0, decimals: decimals) } ?? "null"
        text += ",\"properties\":{"
        for (i, (name, value)) in item.properties.enumerated() {
            if i > 0 { text += "," }
            JSONText.appendString(name, to: &text)
            text += ":"
            switch value {
            case .null: text += "null"
            case .integer(let number): text += String(number)
            case .real(let number): text += number.isFinite ? "\(number)" : "null"
            case .text(let string): JSONText.appendString(string, to: &text)
            case .boolean(let flag): text += flag ? "true" : "false"
            }
        }
        text += "}"
        if let links {
            text += ",\"links\":"
            FeaturesLink.array(links, to: &text)
        }
        text += "}"
    }

    /// An RFC 3339 time stamp of now, for `timeStamp`.
    static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
