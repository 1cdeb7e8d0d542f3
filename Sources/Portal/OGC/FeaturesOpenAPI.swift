import Formats
import Foundation

/// The OpenAPI 3.0 definition of the OGC API – Features door: every path, its parameters and
/// responses, self-contained (no remote `$ref`), so it validates offline.
enum FeaturesOpenAPI {
    static func document(base: String) -> String {
        let json: JSONValue = ["type": "string", "enum": ["json", "html"]]
        func parameter(_ name: String, _ place: String, _ about: String, _ schema: JSONValue, required: Bool = false,
                       style: String? = nil, explode: Bool? = nil) -> JSONValue {
            .members([("name", .string(name)), ("in", .string(place)), ("description", .string(about)), ("required", .bool(required)),
                      ("schema", schema), ("style", style.map(JSONValue.string)), ("explode", explode.map(JSONValue.bool))])
        }
        let f = parameter("f", "query", "The representation: json (the default) or html.", json)
        let collectionId = parameter("collectionId", "path", "The collection: a layer's short name.", ["type": "string"], required: true)
        let featureId = parameter("featureId", "path", "The feature's identity, kept across versions where the feature's identity is.",
                                  ["type": "integer", "minimum": 1], required: true)
        let limit = parameter("limit", "query", "Features per page (at most \(FeaturesQuery.maxLimit); more asks for the most).",
                              ["type": "integer", "minimum": 1, "default": .int(FeaturesQuery.defaultLimit)], style: "form", explode: false)
        let offset = parameter("offset", "query", "Features to skip.", ["type": "integer", "minimum": 0, "default": 0])
        let bbox = parameter("bbox", "query", "west,south,east,north in CRS84.",
                             ["type": "array", "minItems": 4, "maxItems": 6, "items": ["type": "number"]], style: "form", explode: false)
        let datetime = parameter("datetime", "query", "An RFC 3339 date or date-time, or an interval start/end (.. for open); matched against the layer's data date.",
                                 ["type": "string"], style: "form", explode: false)
        let systems: JSONValue = ["type": "string", "format": "uri", "enum": .array(FeaturesCRS.offered.map { .string($0.uri) }),
                                  "default": .string(FeaturesDocuments.crs84)]
        let crs = parameter("crs", "query", "The system of the geometries sent (OGC API – Features Part 2).", systems,
                            style: "form", explode: false)
        let bboxCRS = parameter("bbox-crs", "query", "The system bbox is given in, in its own axis order.", systems,
                                style: "form", explode: false)
        let link: JSONValue = ["type": "object", "required": ["href"], "properties": [
            "href": ["type": "string"], "rel": ["type": "string"], "type": ["type": "string"], "title": ["type": "string"],
        ]]
        let links: JSONValue = ["type": "array", "items": link]
        let exception: JSONValue = ["description": "An error", "content": ["application/json": ["schema": [
            "type": "object", "required": ["code"], "properties": ["code": ["type": "string"], "description": ["type": "string"]],
        ]]]]
        let feature: JSONValue = ["type": "object", "required": ["type", "geometry", "properties"], "properties": [
            "type": ["type": "string", "enum": ["Feature"]], "id": ["type": "integer"],
            "geometry": ["type": "object", "nullable": true], "properties": ["type": "object", "nullable": true], "links": links,
        ]]
        let collection: JSONValue = ["type": "object", "required": ["id", "links"], "properties": [
            "id": ["type": "string"], "title": ["type": "string"], "description": ["type": "string"],
            "keywords": ["type": "array", "items": ["type": "string"]], "itemType": ["type": "string"],
            "crs": ["type": "array", "items": ["type": "string"]], "extent": ["type": "object"], "links": links,
        ]]
        func ok(_ about: String, _ type: String, _ schema: JSONValue) -> JSONValue {
            ["description": .string(about), "content": [type: ["schema": schema], "text/html": ["schema": ["type": "string"]]]]
        }
        func get(_ id: String, _ summary: String, _ parameters: [JSONValue], _ response: JSONValue) -> JSONValue {
            ["get": ["operationId": .string(id), "summary": .string(summary), "parameters": .array(parameters),
                     "responses": ["200": response, "400": exception, "404": exception, "500": exception]]]
        }
        let document: JSONValue = [
            "openapi": "3.0.3",
            "info": ["title": "Bando — OGC API – Features", "version": "1.0.0",
                     "description": "The approved layers of the province's shared map that the requester may download."],
            "servers": [["url": .string(base)]],
            "paths": [
                "/": get("getLandingPage", "The landing page", [f],
                         ok("Links to the API, conformance and collections", "application/json",
                            ["type": "object", "required": ["links"], "properties": ["title": ["type": "string"], "links": links]])),
                "/conformance": get("getConformance", "The conformance classes", [f],
                                    ok("The classes implemented", "application/json", ["type": "object", "required": ["conformsTo"],
                                        "properties": ["conformsTo": ["type": "array", "items": ["type": "string"]]]])),
                "/api": ["get": ["operationId": "getAPI", "summary": "This definition",
                                 "responses": ["200": ["description": "The OpenAPI definition",
                                                       "content": [FeaturesDocuments.openAPI: ["schema": ["type": "object"]]]]]]],
                "/collections": get("getCollections", "The collections the requester may download", [f],
                                    ok("The collections", "application/json", ["type": "object", "required": ["links", "collections"],
                                        "properties": ["links": links, "collections": ["type": "array", "items": collection]]])),
                "/collections/{collectionId}": get("describeCollection", "One collection", [collectionId, f],
                                                   ok("The collection", "application/json", collection)),
                "/collections/{collectionId}/items": get("getFeatures", "A page of the collection's features",
                    [collectionId, limit, offset, bbox, bboxCRS, datetime, crs, f],
                    ok("The features", FeaturesDocuments.geoJSON, ["type": "object", "required": ["type", "features"], "properties": [
                        "type": ["type": "string", "enum": ["FeatureCollection"]], "features": ["type": "array", "items": feature],
                        "links": links, "timeStamp": ["type": "string", "format": "date-time"],
                        "numberMatched": ["type": "integer", "minimum": 0], "numberReturned": ["type": "integer", "minimum": 0],
                    ]])),
                "/collections/{collectionId}/items/{featureId}": get("getFeature", "One feature", [collectionId, featureId, crs, f],
                    ok("The feature", FeaturesDocuments.geoJSON, feature)),
            ],
        ]
        return document.jsonText
    }
}
