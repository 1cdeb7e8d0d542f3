import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// Walks the whole access matrix on the demo province: every role of every department (and the
/// public, and the province's system administrator) × layers owned by their agency or another,
/// private / shared with them / shared with others / public × every door to a layer.
///
/// The expectations are written out here by hand, independent of `Policy`: who may see each layer.
@Suite struct AccessMatrixTests {
    let fixture = DemoFixture.shared

    /// The demo layers under test, their owner, and the agencies that may see them (nil: everyone).
    static let seenBy: [(slug: String, owner: String, agencies: Set<String>?)] = [
        ("co-so-y-te", "syt", nil),                                // public
        ("quy-hoach-su-dung-dat", "stnmt", ["stnmt", "sxd"]),      // shared with sxd only, with download
        ("diem-quan-trac-moi-truong", "stnmt", ["stnmt"]),         // private
        ("cap-phep-xay-dung", "sxd", ["sxd"]),                     // private
    ]

    /// Everyone who asks: nil is the public.
    static let actors: [String?] = [nil, "sysadmin"]
        + ["stnmt", "syt", "sgddt", "sxd", "xa-yen-duc", "phuong-mao-khe"].flatMap { code in
            ["viewer", "editor", "approver", "admin"].map { "\(code).\($0)" }
        }

    static func agency(of username: String?) -> String? {
        guard let username else { return nil }
        return username == "sysadmin" ? "ttcntt" : String(username.split(separator: ".", maxSplits: 1)[0])
    }

    /// A tile over the province at z 10 that every demo layer touches.
    static let tile = "10/814/449"
    /// The province in EPSG:4326's axis order (latitude first), for the WMS doors.
    static let wmsBox = "21.0,105.8,21.7,107.1"

    /// Every door to a layer, and what a denied request looks like through it.
    enum Door: String, CaseIterable {
        case page, homeList, search, tile, tile2x, legend, identify, profileList
        case wmsCapabilities, wmsMap, wmsMapWithOthers, wmsFeatureInfo, wmsLegend, wmtsCapabilities, wmtsTile
        case table, download, downloadCSV, downloadShapefile, downloadGeoPackage, downloadKML, versionTile
        case versions, versionPage, style, editForm, uploadForm

        /// Who may pass beyond those who see the layer's data.
        enum Rule { case data, pending, edit }

        var rule: Rule {
            switch self {
            case .versions, .versionPage, .style: return .pending
            case .editForm, .uploadForm: return .edit
            default: return .data
            }
        }
    }

    /// Whether `username` may pass a door of `rule` on a layer that `seen` decides for data.
    static func allowed(_ rule: Door.Rule, username: String?, owner: String, seen: Bool) -> Bool {
        let role = username.flatMap { $0.split(separator: ".").dropFirst().first.map(String.init) }
        let own = agency(of: username) == owner
        switch rule {
        case .data: return seen
        case .pending: return own && ["editor", "approver", "admin"].contains(role ?? "")
        case .edit: return own && ["editor", "admin"].contains(role ?? "")
        }
    }

    func request(_ door: Door, _ slug: String, _ browser: inout Browser) throws -> Response {
        switch door {
        case .page: return try browser.get("/layers/\(slug)")
        case .homeList: return try browser.get("/")
        case .search: return try browser.get("/search?q=" + slug.replacingOccurrences(of: "-", with: "+"))
        case .tile: return try browser.get("/tiles/\(slug)/\(Self.tile).png")
        case .tile2x: return try browser.get("/tiles/\(slug)/\(Self.tile)@2x.png")
        case .legend: return try browser.get("/legend/\(slug).png")
        case .identify: return try browser.get("/layers/\(slug)/identify?lon=106.4&lat=21.35&z=10")
        case .profileList: return try browser.get("/profile")
        case .wmsCapabilities: return try browser.get("/ows?SERVICE=WMS&REQUEST=GetCapabilities")
        case .wmsMap: return try browser.get("/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=\(slug)&STYLES="
                                             + "&CRS=EPSG:4326&BBOX=\(Self.wmsBox)&WIDTH=64&HEIGHT=64&FORMAT=image/png")
        case .wmsMapWithOthers:
            // A hidden layer among visible ones refuses the whole map, as an unknown one does.
            return try browser.get("/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=song-suoi,\(slug)&STYLES=,"
                                   + "&CRS=EPSG:4326&BBOX=\(Self.wmsBox)&WIDTH=64&HEIGHT=64&FORMAT=image/png")
        case .wmsFeatureInfo:
            return try browser.get("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=\(slug)&QUERY_LAYERS=\(slug)"
                                   + "&STYLES=&CRS=EPSG:4326&BBOX=\(Self.wmsBox)&WIDTH=64&HEIGHT=64&I=32&J=32&INFO_FORMAT=application/json")
        case .wmsLegend: return try browser.get("/ows?SERVICE=WMS&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER=\(slug)")
        case .wmtsCapabilities: return try browser.get("/wmts/1.0.0/WMTSCapabilities.xml")
        case .wmtsTile:
            return try browser.get("/ows?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=\(slug)&STYLE=default&FORMAT=image/png"
                                   + "&TILEMATRIXSET=GoogleMapsCompatible&TILEMATRIX=10&TILEROW=449&TILECOL=814")
        case .table: return try browser.get("/layers/\(slug)/table")
        case .download: return try browser.get("/layers/\(slug)/download.geojson")
        case .downloadCSV: return try browser.get("/layers/\(slug)/download.csv")
        case .downloadShapefile: return try browser.get("/layers/\(slug)/download.zip")
        case .downloadGeoPackage: return try browser.get("/layers/\(slug)/download.gpkg")
        case .downloadKML: return try browser.get("/layers/\(slug)/download.kml")
        case .versionTile: return try browser.get("/layers/\(slug)/versions/1/tiles/\(Self.tile).png")
        case .versions: return try browser.get("/layers/\(slug)/versions")
        case .versionPage: return try browser.get("/layers/\(slug)/versions/1")
        case .style: return try browser.get("/layers/\(slug)/style")
        case .editForm: return try browser.get("/layers/\(slug)/edit")
        case .uploadForm: return try browser.get("/layers/\(slug)/upload")
        }
    }

    @Test(arguments: AccessMatrixTests.actors)
    func matrix(_ username: String?) throws {
        let demo = try #require(fixture)
        var browser = Browser(demo)
        if let username {
            let signIn = try browser.signIn(username)
            try #require(signIn.status == 303, "\(username) signs in")
        }
        let agency = Self.agency(of: username)
        // What a layer that does not exist answers, door by door.
        var missing: [Door: Response] = [:]
        for door in Door.allCases where door != .homeList && door != .search && door != .profileList && door != .wmsCapabilities
            && door != .wmtsCapabilities {
            missing[door] = try request(door, "khong-ton-tai", &browser)
        }
        for (slug, owner, agencies) in Self.seenBy {
            let seen = agencies.map { agency.map($0.contains) ?? false } ?? true
            for door in Door.allCases {
                let allowed = Self.allowed(door.rule, username: username, owner: owner, seen: seen)
                if door == .profileList && username == nil { continue }
                let response = try request(door, slug, &browser)
                let who = username ?? "public"
                switch door {
                case .homeList:
                    #expect(response.text.contains("href=\"/layers/\(slug)\"") == allowed, "\(who) home lists \(slug): \(allowed)")
                case .search:
                    // The layer's title without its marks finds it, only for those who may see it.
                    #expect(response.status == 200)
                    #expect(response.text.contains("href=\"/layers/\(slug)\"") == allowed, "\(who) search finds \(slug): \(allowed)")
                case .wmsCapabilities:
                    #expect(response.status == 200)
                    #expect(response.text.contains("<Name>\(slug)</Name>") == allowed, "\(who) capabilities list \(slug): \(allowed)")
                case .wmtsCapabilities:
                    #expect(response.status == 200)
                    #expect(response.text.contains("<ows:Identifier>\(slug)</ows:Identifier>") == allowed, "\(who) WMTS lists \(slug): \(allowed)")
                case .profileList:
                    // The profile lists layers other agencies share with mine.
                    let sharedWithMe = allowed && agencies != nil && !(agencies?.count == 1) && agency != "stnmt" && slug == "quy-hoach-su-dung-dat"
                    #expect(response.text.contains("href=\"/layers/\(slug)\"") == sharedWithMe, "\(who) profile lists \(slug)")
                default:
                    if allowed {
                        #expect(response.status == 200, "\(who) \(door) \(slug) → \(response.status)")
                    } else {
                        let absent = try #require(missing[door])
                        #expect(response.status == absent.status, "\(who) \(door) \(slug) answers like a missing layer")
                        #expect(response.text.replacingOccurrences(of: slug, with: "X")
                                == absent.text.replacingOccurrences(of: "khong-ton-tai", with: "X"),
                                "\(who) \(door) \(slug): same body as a missing layer")
                        #expect(response.headers["ETag"] == nil)
                    }
                }
            }
        }
    }

    @Test func policyAgreesWithTheSQLListingForEveryActor() throws {
        let demo = try #require(fixture)
        let repository = LayerRepository(demo.database)
        let all = try repository.listVisible(to: ListingScope(agencyID: nil, seesEverything: true))
        let agencies = AgencyRepository(demo.database)
        for username in Self.actors {
            var actor: Actor?
            if let username, let user = try UserRepository(demo.database).find(username: username),
               let agency = try agencies.find(id: user.agencyID) {
                actor = Actor(userID: user.id, username: username, displayName: "", agencyID: user.agencyID, agencyCode: agency.code, role: user.role)
            }
            let listed = Set(try repository.listVisible(to: Policy.listingScope(actor)).map(\.slug))
            for layer in all {
                let found = try #require(try repository.findForAccess(slug: layer.slug, agencyID: actor?.agencyID))
                let facts = LayerFacts(ownerAgencyID: layer.agencyID, visibility: layer.visibility,
                                       isPublished: layer.publishedVersion != nil, grant: found.grant)
                #expect(Policy.can(actor, .view, facts) == listed.contains(layer.slug), "\(username ?? "public") \(layer.slug)")
            }
        }
    }

    @Test func writeActionsBelongToTheOwnerAgencysRoles() {
        let owner: Int64 = 1, other: Int64 = 2
        func actor(_ role: Role, _ agency: Int64) -> Actor {
            Actor(userID: 1, username: "u", displayName: "", agencyID: agency, agencyCode: "a", role: role)
        }
        let shared = LayerFacts(ownerAgencyID: owner, visibility: .shared, isPublished: true, grant: .viewDownload)
        let expectations: [(Role, LayerAction, Bool)] = [
            (.viewer, .edit, false), (.editor, .edit, true), (.approver, .edit, false), (.admin, .edit, true),
            (.viewer, .approve, false), (.editor, .approve, false), (.approver, .approve, true), (.admin, .approve, false),
            (.viewer, .manageSharing, false), (.editor, .manageSharing, false), (.approver, .manageSharing, false), (.admin, .manageSharing, true),
            (.viewer, .viewPending, false), (.editor, .viewPending, true), (.approver, .viewPending, true), (.admin, .viewPending, true),
        ]
        for (role, action, expected) in expectations {
            #expect(Policy.can(actor(role, owner), action, shared) == expected, "own \(role) \(action)")
            #expect(Policy.can(actor(role, other), action, shared) == false, "other agency's \(role) \(action)")
        }
        #expect(Policy.can(actor(.sysadmin, other), .edit, shared) == false, "sysadmin does not edit other agencies' data")
        #expect(Policy.can(nil, .download, shared) == false)
        #expect(Policy.can(actor(.viewer, other), .download, shared) == true, "view+download grant")
        let viewOnly = LayerFacts(ownerAgencyID: owner, visibility: .shared, isPublished: true, grant: .view)
        #expect(Policy.can(actor(.viewer, other), .view, viewOnly) == true)
        #expect(Policy.can(actor(.viewer, other), .download, viewOnly) == false)
        let unpublished = LayerFacts(ownerAgencyID: owner, visibility: .public, isPublished: false, grant: nil)
        #expect(Policy.can(nil, .view, unpublished) == false, "nothing outside the owner before a version is published")
        #expect(Policy.can(actor(.viewer, owner), .view, unpublished) == true)
        #expect(Policy.can(actor(.admin, owner), .manageUsers(agencyID: owner)) == true)
        #expect(Policy.can(actor(.admin, owner), .manageUsers(agencyID: other)) == false)
        #expect(Policy.can(actor(.admin, owner), .readAudit(agencyID: nil)) == false)
        #expect(Policy.can(actor(.sysadmin, other), .readAudit(agencyID: nil)) == true)
        #expect(Policy.can(nil, .manageAgencies) == false)
    }
}
