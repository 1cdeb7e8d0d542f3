import Formats
import Store

/// The OpenAPI 3.1 definition of the JSON API at `/api/v1/openapi.json`: every route, its
/// parameters, bodies, answers and the scope it needs, self-contained (every `$ref` points inside
/// the document) so it validates and generates clients offline.
enum APIOpenAPI {
    static func document(base: String) -> JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Bando API",
                "version": "1.0.0",
                "summary": "The province's shared map for other systems: layers, versions, features, uploads, decisions, sharing, audit.",
                "description": """
                    Read the layers the token's user may see (open data needs no token), upload new versions that \
                    become pending like any upload, decide them as an approver, share them as the owner agency's \
                    administrator and read the audit log. Send a personal or service access token as \
                    `Authorization: Bearer <token>`, or as HTTP Basic with the username and the token. A token never \
                    grants more than its user's role allows; each route names the scope it needs. Anything the \
                    token may not see answers exactly like something that does not exist (404).
                    """,
                "license": ["name": "Data: see each layer's license"],
            ],
            "servers": [["url": .string(base)]],
            "security": [["bearer": []], ["basic": []], [:]],
            "tags": [
                ["name": "layers"], ["name": "uploads"], ["name": "decisions"], ["name": "sharing"], ["name": "administration"],
            ],
            "paths": paths,
            "components": ["schemas": schemas, "parameters": parameters, "responses": responses, "securitySchemes": [
                "bearer": ["type": "http", "scheme": "bearer", "description": "A personal or service access token."],
                "basic": ["type": "http", "scheme": "basic", "description": "The username, and the access token as the password."],
            ]],
        ]
    }

    // MARK: Paths

    static let tokenOnly: JSONValue = [["bearer": []], ["basic": []]]

    static func ref(_ kind: String, _ name: String) -> JSONValue { ["$ref": .string("#/components/\(kind)/\(name)")] }

    static func json(_ schema: String, _ description: String, type: String = "application/json") -> JSONValue {
        ["description": .string(description), "content": [type: ["schema": ref("schemas", schema)]]]
    }

    /// An operation: its id, summary, scope, parameters, answers, and the errors every route can give.
    static func operation(_ id: String, _ tag: String, _ summary: String, scope: String, parameters: [String] = [],
                          body: JSONValue? = nil, answers: [(String, JSONValue)], errors: [String] = []) -> JSONValue {
        var responses = answers
        for code in ["400", "401", "403", "404"] + errors + ["503", "500"] where !responses.contains(where: { $0.0 == code }) {
            responses.append((code, ref("responses", "Problem")))
        }
        return .members([
            ("operationId", .string(id)),
            ("tags", [.string(tag)]),
            ("summary", .string(summary)),
            ("description", .string(scope == "read" ? "Scope: read (the public may call it for open data)."
                : scope == "any" ? "Any token." : "Scope: \(scope).")),
            ("security", scope == "read" ? JSONValue?.none : tokenOnly),
            ("parameters", parameters.isEmpty ? JSONValue?.none : .array(parameters.map { ref("parameters", $0) })),
            ("requestBody", body),
            ("responses", .object(responses)),
        ])
    }

    static let uploadBody: JSONValue = [
        "required": true,
        "description": "The file as one part of a form, with its choices; or the file itself as the body, its choices as query parameters.",
        "content": [
            "multipart/form-data": ["schema": [
                "type": "object", "required": ["file"],
                "properties": [
                    "file": ["type": "string", "contentMediaType": "application/octet-stream",
                             "description": "GeoJSON, CSV, KML, KMZ, a zipped Shapefile or a GeoPackage."],
                    "title": ["type": "string", "maxLength": 200, "description": "A new layer's title (from the file's name when absent)."],
                    "srid": ["type": "string", "pattern": "^[0-9]{1,6}$", "description": "The EPSG code of the coordinates, when the file does not say."],
                    "encoding": ["type": "string", "description": "The text encoding of a CSV or DBF, when not UTF-8 (TCVN3, VNI, windows-1258…)."],
                    "lon_column": ["type": "string"], "lat_column": ["type": "string"],
                    "layer": ["type": "string", "description": "Which layer of a GeoPackage or KML."],
                ],
            ]],
            "application/geo+json": ["schema": ["type": "string", "contentMediaType": "application/geo+json"]],
            "text/csv": ["schema": ["type": "string", "contentMediaType": "text/csv"]],
            "application/vnd.google-earth.kml+xml": ["schema": ["type": "string", "contentMediaType": "application/vnd.google-earth.kml+xml"]],
            "application/vnd.google-earth.kmz": ["schema": ["type": "string", "contentMediaType": "application/vnd.google-earth.kmz"]],
            "application/zip": ["schema": ["type": "string", "contentMediaType": "application/zip"]],
            "application/geopackage+sqlite3": ["schema": ["type": "string", "contentMediaType": "application/geopackage+sqlite3"]],
            "application/octet-stream": ["schema": ["type": "string", "contentMediaType": "application/octet-stream",
                                                    "description": "Any file, named by the filename parameter."]],
        ],
    ]

    static let accepted: JSONValue = [
        "description": "Queued for import; poll the Location.",
        "headers": ["Location": ["description": "The import to poll.", "schema": ["type": "string"]]],
        "content": ["application/json": ["schema": ref("schemas", "Accepted")]],
    ]

    static func jsonBody(_ schema: String, required: Bool) -> JSONValue {
        ["required": .bool(required), "content": ["application/json": ["schema": ref("schemas", schema)]]]
    }

    static var paths: JSONValue {
        let upload = ["srid", "encoding", "lon_column", "lat_column", "layerName", "filename"]
        return [
            "/": ["get": operation("index", "layers", "Where everything is", scope: "read", answers: [("200", json("Index", "Links"))])],
            "/openapi.json": ["get": operation("openapi", "layers", "This definition", scope: "read",
                                               answers: [("200", ["description": "OpenAPI 3.1", "content": ["application/json": ["schema": ["type": "object"]]]])])],
            "/me": ["get": operation("me", "layers", "The token's user, agency, role and scopes", scope: "any",
                                     answers: [("200", json("Me", "The token's user"))])],
            "/agencies": ["get": operation("listAgencies", "layers", "The province's agencies", scope: "read",
                                           answers: [("200", json("AgencyList", "Agencies that are not disabled"))])],
            "/layers": [
                "get": operation("listLayers", "layers", "The layers the requester may see", scope: "read",
                                 parameters: ["agency", "sector", "visibility", "q", "limit", "offset"],
                                 answers: [("200", json("LayerList", "A page of layers"))]),
                "post": operation("createLayer", "uploads", "Upload a file as a new layer (its first version, pending)", scope: "upload",
                                  parameters: ["title"] + upload, body: uploadBody, answers: [("202", accepted)], errors: ["413", "415", "429", "507"]),
            ],
            "/layers/{slug}": ["get": operation("getLayer", "layers", "A layer's metadata, downloads and services", scope: "read",
                                                parameters: ["slug"], answers: [("200", json("Layer", "The layer"))])],
            "/layers/{slug}/features": ["get": operation(
                "getFeatures", "layers", "The published version's features, a page at a time (needs the download right)", scope: "read",
                parameters: ["slug", "featureLimit", "offset", "bbox"],
                answers: [("200", json("FeatureCollection", "GeoJSON", type: "application/geo+json"))])],
            "/layers/{slug}/versions": [
                "get": operation("listVersions", "layers", "The versions the requester may see (the published one; all for its agency's staff)",
                                 scope: "read", parameters: ["slug"], answers: [("200", json("VersionList", "Versions, newest first"))]),
                "post": operation("uploadVersion", "uploads", "Upload a file as the layer's next version (pending)", scope: "upload",
                                  parameters: ["slug"] + upload, body: uploadBody, answers: [("202", accepted)], errors: ["413", "415", "429", "507"]),
            ],
            "/layers/{slug}/versions/{number}": ["get": operation("getVersion", "layers", "One version", scope: "read",
                                                                  parameters: ["slug", "number"], answers: [("200", json("Version", "The version"))])],
            "/layers/{slug}/versions/{number}/publish": ["post": operation(
                "publishVersion", "decisions", "Publish a pending version (never one's own upload)", scope: "approve",
                parameters: ["slug", "number"], body: jsonBody("Decision", required: false),
                answers: [("200", json("Version", "Now published"))], errors: ["409", "422"])],
            "/layers/{slug}/versions/{number}/reject": ["post": operation(
                "rejectVersion", "decisions", "Reject a pending version, saying why", scope: "approve",
                parameters: ["slug", "number"], body: jsonBody("Decision", required: true),
                answers: [("200", json("Version", "Now rejected"))], errors: ["409", "422"])],
            "/layers/{slug}/grants": ["get": operation("listGrants", "sharing", "The agencies the layer is shared with", scope: "admin",
                                                       parameters: ["slug"], answers: [("200", json("GrantList", "Grants"))])],
            "/layers/{slug}/grants/{agency}": [
                "get": operation("getGrant", "sharing", "One agency's access", scope: "admin", parameters: ["slug", "agencyCode"],
                                 answers: [("200", json("Grant", "The grant"))]),
                "put": operation("putGrant", "sharing", "Give or change an agency's access", scope: "admin", parameters: ["slug", "agencyCode"],
                                 body: jsonBody("GrantRequest", required: true),
                                 answers: [("200", json("Grant", "Changed")), ("201", json("Grant", "Given"))], errors: ["415", "422"]),
                "delete": operation("deleteGrant", "sharing", "Take an agency's access back", scope: "admin", parameters: ["slug", "agencyCode"],
                                    body: jsonBody("Decision", required: false), answers: [("204", ["description": "Taken back"])]),
            ],
            "/audit": ["get": operation("listAudit", "administration", "The audit log, newest first (an agency administrator: their agency's)",
                                        scope: "admin", parameters: ["agency", "user", "action", "from", "to", "auditLimit", "offset"],
                                        answers: [("200", json("AuditList", "A page of entries"))])],
            "/imports/{id}": ["get": operation("getImport", "uploads", "Where an upload's import stands (its uploader only)", scope: "upload",
                                               parameters: ["importId"], answers: [("200", json("Import", "The import"))])],
        ]
    }

    // MARK: Parameters

    static func parameter(_ name: String, _ place: String, _ about: String, _ schema: JSONValue,
                          style: String? = nil, explode: Bool? = nil) -> JSONValue {
        .members([("name", .string(name)), ("in", .string(place)), ("description", .string(about)), ("required", .bool(place == "path")),
                  ("schema", schema), ("style", style.map(JSONValue.string)), ("explode", explode.map(JSONValue.bool))])
    }

    static var parameters: JSONValue {
        let text: JSONValue = ["type": "string"]
        let day: JSONValue = ["type": "string", "format": "date"]
        return [
            "slug": parameter("slug", "path", "The layer's short name.", ["type": "string", "pattern": "^[a-z0-9-]+$"]),
            "number": parameter("number", "path", "The version's number.", ["type": "integer", "minimum": 1]),
            "agencyCode": parameter("agency", "path", "The code of the agency given access.", text),
            "importId": parameter("id", "path", "The import, from the upload's Location.", text),
            "agency": parameter("agency", "query", "Only this agency's (its code).", text),
            "sector": parameter("sector", "query", "Only this sector's (its code).", text),
            "visibility": parameter("visibility", "query", "Only layers of this visibility.", ["type": "string", "enum": ["private", "shared", "public"]]),
            "q": parameter("q", "query", "Words that must all be in the title, description or short name.", text),
            "limit": parameter("limit", "query", "At most this many.", ["type": "integer", "minimum": 1, "maximum": .integer(Int64(Portal.apiMaxLimit)), "default": .integer(Int64(Portal.apiDefaultLimit))]),
            "featureLimit": parameter("limit", "query", "At most this many features.", ["type": "integer", "minimum": 1, "maximum": .integer(Int64(Portal.apiMaxFeatureLimit)), "default": 100]),
            "auditLimit": parameter("limit", "query", "At most this many entries.", ["type": "integer", "minimum": 1, "maximum": .integer(Int64(Portal.apiAuditMaxLimit)), "default": .integer(Int64(Portal.apiDefaultLimit))]),
            "offset": parameter("offset", "query", "Skip this many.", ["type": "integer", "minimum": 0, "default": 0]),
            "bbox": parameter("bbox", "query", "west,south,east,north in WGS 84 longitude/latitude.",
                              ["type": "array", "minItems": 4, "maxItems": 4, "items": ["type": "number"]], style: "form", explode: false),
            "user": parameter("user", "query", "Only this user's entries.", text),
            "action": parameter("action", "query", "Only this action (layer.publish, grant.create…).", text),
            "from": parameter("from", "query", "From this day (UTC).", day),
            "to": parameter("to", "query", "To this day, included (UTC).", day),
            "title": parameter("title", "query", "A new layer's title (raw-body uploads).", text),
            "srid": parameter("srid", "query", "The EPSG code of the coordinates, when the file does not say.", ["type": "integer", "minimum": 1]),
            "encoding": parameter("encoding", "query", "The text encoding of a CSV or DBF, when not UTF-8.", text),
            "lon_column": parameter("lon_column", "query", "A CSV's longitude (or x) column.", text),
            "lat_column": parameter("lat_column", "query", "A CSV's latitude (or y) column.", text),
            "layerName": parameter("layer", "query", "Which layer of a GeoPackage or KML.", text),
            "filename": parameter("filename", "query", "The file's name, which picks its reader when the media type does not.", text),
        ]
    }

    // MARK: Schemas

    static func object(_ required: [String], _ properties: [(String, JSONValue)]) -> JSONValue {
        ["type": "object", "required": .array(required.map(JSONValue.string)), "properties": .object(properties)]
    }

    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let integer: JSONValue = ["type": "integer"]
    static let nullableInteger: JSONValue = ["type": ["integer", "null"]]
    static let box: JSONValue = ["type": ["array", "null"], "minItems": 4, "maxItems": 4, "items": ["type": "number"],
                                "description": "west, south, east, north in WGS 84"]
    static let links: JSONValue = ["type": "array", "items": ref("schemas", "Link")]
    static func list(_ schema: String) -> JSONValue { ["type": "array", "items": ref("schemas", schema)] }

    static var schemas: JSONValue {
        [
            "Problem": object(["type", "title", "status", "detail", "code"], [
                ("type", ["type": "string", "format": "uri-reference"]), ("title", string), ("status", integer), ("detail", string),
                ("code", ["type": "string", "description": "The kind of problem, for programs: not_found, invalid_parameter, invalid_body…"]),
                ("pointer", ["type": "string", "description": "A JSON Pointer to the member of the request body at fault."]),
                ("parameter", ["type": "string", "description": "The query parameter or form field at fault."]),
            ]),
            "Link": object(["href", "rel"], [("href", string), ("rel", string), ("type", string), ("title", string)]),
            "Index": object(["title", "links"], [("title", string), ("version", string), ("links", links)]),
            "Me": object(["username", "role", "agency", "token"], [
                ("username", string), ("displayName", string),
                ("role", ["type": "string", "enum": ["viewer", "editor", "approver", "admin", "sysadmin"]]),
                ("agency", ref("schemas", "AgencyRef")),
                ("token", object(["name", "scopes"], [
                    ("name", string), ("scopes", ["type": "array", "items": ["type": "string", "enum": ["read", "upload", "approve", "admin"]]]),
                    ("expiresAt", ["type": ["string", "null"], "format": "date-time"]),
                ])),
            ]),
            "AgencyRef": object(["code", "name"], [("code", string), ("name", string)]),
            "Agency": object(["code", "name", "kind"], [
                ("code", string), ("name", string), ("kind", ["type": "string", "enum": ["province", "department", "commune", "office"]]),
                ("parent", ["type": "string", "description": "The parent agency's code."]),
            ]),
            "AgencyList": object(["agencies"], [("agencies", list("Agency"))]),
            "LayerSummary": object(["slug", "title", "agency", "visibility", "links"], [
                ("slug", string), ("title", string), ("description", string), ("agency", ref("schemas", "AgencyRef")),
                ("sector", ["type": ["object", "null"], "properties": ["code": string, "nameVi": nullableString, "nameEn": nullableString]]),
                ("visibility", ["type": "string", "enum": ["private", "shared", "public"]]),
                ("geometryKind", nullableString), ("publishedVersion", nullableInteger), ("featureCount", nullableInteger),
                ("extent", box), ("updatedAt", string), ("links", links),
            ]),
            "LayerList": object(["total", "offset", "limit", "layers", "links"], [
                ("total", integer), ("offset", integer), ("limit", integer), ("layers", list("LayerSummary")), ("links", links),
            ]),
            "Layer": ["allOf": [ref("schemas", "LayerSummary"), ["type": "object", "properties": [
                "metadata": object([], [
                    ("keywords", ["type": "array", "items": string]), ("updateFrequency", nullableString), ("dataDate", nullableString),
                    ("license", string), ("attribution", string),
                    ("contact", object([], [("name", string), ("position", string), ("phone", string), ("email", string)])),
                ]),
                "downloads": ["type": "object", "description": "The download URL of each format the requester may download.",
                              "additionalProperties": ["type": "string", "format": "uri"]],
            ]]]],
            "Version": object(["number", "status", "links"], [
                ("number", integer), ("status", ["type": "string", "enum": .array(VersionStatus.allCases.map { .string($0.rawValue) })]),
                ("createdBy", nullableString), ("createdAt", string), ("sourceName", nullableString), ("sourceSRID", nullableInteger),
                ("encoding", nullableString), ("featureCount", nullableInteger), ("extent", box), ("warnings", ["type": "array", "items": string]),
                ("decidedBy", nullableString), ("decidedAt", nullableString), ("reason", nullableString), ("baseNumber", nullableInteger),
                ("links", links),
            ]),
            "VersionList": object(["versions"], [("versions", list("Version"))]),
            "FeatureCollection": object(["type", "features"], [
                ("type", ["const": "FeatureCollection"]), ("numberMatched", integer), ("numberReturned", integer),
                ("features", ["type": "array", "items": object(["type", "geometry", "properties"], [
                    ("type", ["const": "Feature"]), ("id", integer), ("geometry", ["type": ["object", "null"]]),
                    ("properties", ["type": ["object", "null"]]),
                ])]),
                ("links", links),
            ]),
            "Accepted": object(["state", "links"], [("state", ["const": "queued"]), ("links", links)]),
            "Import": object(["state"], [
                ("state", ["type": "string", "enum": ["queued", "running", "done", "failed"]]),
                ("written", integer), ("total", integer), ("layer", string), ("version", integer), ("status", string),
                ("featureCount", integer), ("layerCreated", ["type": "boolean"]), ("warnings", ["type": "array", "items": string]),
                ("message", ["type": "string", "description": "Why the import failed, and where in the file."]), ("links", links),
            ]),
            "Decision": object([], [("reason", ["type": "string", "maxLength": 2000])]),
            "Grant": object(["agency", "permission"], [
                ("agency", string), ("agencyName", string), ("permission", ["type": "string", "enum": ["view", "view_download"]]),
                ("reason", string), ("grantedAt", string), ("links", links),
            ]),
            "GrantRequest": object(["permission"], [
                ("permission", ["type": "string", "enum": ["view", "view_download"]]), ("reason", ["type": "string", "maxLength": 500]),
            ]),
            "GrantList": object(["layer", "grants"], [("layer", string), ("grants", list("Grant"))]),
            "AuditEntry": object(["id", "at", "action", "target"], [
                ("id", integer), ("at", ["type": "string", "format": "date-time"]), ("username", nullableString), ("agency", nullableString),
                ("action", string), ("target", string), ("detail", string), ("clientAddress", nullableString),
            ]),
            "AuditList": object(["total", "offset", "limit", "entries", "links"], [
                ("total", integer), ("offset", integer), ("limit", integer), ("entries", list("AuditEntry")), ("links", links),
            ]),
        ]
    }

    static var responses: JSONValue {
        ["Problem": ["description": "A problem (RFC 9457)", "content": ["application/problem+json": ["schema": ref("schemas", "Problem")]]]]
    }
}
