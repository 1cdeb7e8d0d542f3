import Testing
@testable import Formats

@Suite struct ProjectionTests {
    static func vn2000TM(name: String, datum: String, meridian: Double, scale: Double) -> String {
        """
        PROJCS["\(name)",GEOGCS["GCS_VN_2000",DATUM["\(datum)",SPHEROID["WGS_1984",6378137.0,298.257223563]],\
        PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],\
        PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",\(meridian)],\
        PARAMETER["Scale_Factor",\(scale)],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
        """
    }

    static let zoneCodes: [(Double, Int)] = [
        (102, 5896), (105, 5897), (108, 5898), (107.75, 5899), (103, 9205), (104, 9206), (104.5, 9207), (104.75, 9208),
        (105.5, 9209), (105.75, 9210), (106, 9211), (106.25, 9212), (106.5, 9213), (107, 9214), (107.25, 9215),
        (107.5, 9216), (108.25, 9217), (108.5, 9218),
    ]

    @Test func everyVN2000ThreeDegreeZoneByItsMeridian() {
        let datums = ["D_Vietnam_2000", "Vietnam_2000", "VN-2000", "VN_2000"]
        for (index, (meridian, code)) in Self.zoneCodes.enumerated() {
            let wkt = Self.vn2000TM(name: "Custom_TM_\(index)", datum: datums[index % datums.count], meridian: meridian, scale: 0.9999)
            #expect(ProjectionFile.identify(wkt: wkt).srid == code, "central meridian \(meridian)")
        }
    }

    @Test func vn2000UTMAndGeographic() {
        #expect(ProjectionFile.identify(wkt: Self.vn2000TM(name: "x", datum: "D_Vietnam_2000", meridian: 105, scale: 0.9996)).srid == 3405)
        #expect(ProjectionFile.identify(wkt: Self.vn2000TM(name: "x", datum: "VN_2000", meridian: 111, scale: 0.9996)).srid == 3406)
        #expect(ProjectionFile.identify(wkt: Self.vn2000TM(name: "x", datum: "VN_2000", meridian: 104.1, scale: 0.9999)).srid == nil)
        let geographic = "GEOGCS[\"GCS_VN_2000\",DATUM[\"D_Vietnam_2000\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]"
        #expect(ProjectionFile.identify(wkt: geographic).srid == 4756)
        // The common hack: a WGS 84 datum with VN-2000 shift parameters, named VN-2000.
        let hack = """
            PROJCS["VN-2000 / TM-3 107-45",GEOGCS["VN-2000",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563],\
            TOWGS84[-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278]],PRIMEM["Greenwich",0],\
            UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],\
            PARAMETER["central_meridian",107.75],PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],\
            PARAMETER["false_northing",0],UNIT["metre",1]]
            """
        #expect(ProjectionFile.identify(wkt: hack).srid == 5899)
    }

    @Test func wgs84AndWebMercator() {
        let geographic = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]"
        #expect(ProjectionFile.identify(wkt: geographic).srid == 4326)
        let utm48 = """
            PROJCS["WGS_1984_UTM_Zone_48N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],\
            PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],\
            PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],\
            PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]
            """
        #expect(ProjectionFile.identify(wkt: utm48).srid == 32648)
        let utm49 = utm48.replacingOccurrences(of: "WGS_1984_UTM_Zone_48N", with: "UTM custom")
            .replacingOccurrences(of: "105.0", with: "111.0")
        #expect(ProjectionFile.identify(wkt: utm49).srid == 32649)
        let mercator = """
            PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],\
            PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],\
            PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],\
            PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]
            """
        #expect(ProjectionFile.identify(wkt: mercator).srid == 3857)
    }

    @Test func newYorkLongIslandFeet() {
        let wkt = """
            PROJCS["NAD_1983_StatePlane_New_York_Long_Island_FIPS_3104_Feet",GEOGCS["GCS_North_American_1983",\
            DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],\
            UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",984250.0],\
            PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-74.0],PARAMETER["Standard_Parallel_1",40.66666666666666],\
            PARAMETER["Standard_Parallel_2",41.03333333333333],PARAMETER["Latitude_Of_Origin",40.16666666666666],UNIT["Foot_US",0.3048006096012192]]
            """
        let info = ProjectionFile.identify(wkt: wkt)
        #expect(info.srid == 2263)
        #expect(info.name == "NAD_1983_StatePlane_New_York_Long_Island_FIPS_3104_Feet")
    }

    @Test func authorityWinsAndUnknownsKeepTheirText() {
        let withAuthority = "PROJCS[\"Whatever\",GEOGCS[\"x\",DATUM[\"y\",SPHEROID[\"z\",1,2]]],AUTHORITY[\"EPSG\",\"3405\"]]"
        #expect(ProjectionFile.identify(wkt: withAuthority).srid == 3405)
        let unknown = "PROJCS[\"Local_Grid\",GEOGCS[\"GCS_Hanoi_1972\",DATUM[\"D_Hanoi_1972\",SPHEROID[\"Krasovsky_1940\",6378245.0,298.3]]],PROJECTION[\"Transverse_Mercator\"]]"
        let info = ProjectionFile.identify(wkt: unknown + "\n")
        #expect(info.srid == nil)
        #expect(info.wkt == unknown)
        #expect(info.name == "Local_Grid")
        #expect(ProjectionFile.identify(wkt: "not wkt at all [[[").srid == nil)
        #expect(ProjectionFile.identify(wkt: String(repeating: "A[", count: 10_000)).srid == nil)
    }

    @Test func zoneTableForTheUploadForm() {
        #expect(VN2000Zones.all.count == 20)
        #expect(VN2000Zones.zone(code: 9214)?.name == "VN-2000 múi 3° KTT 107°00′")
        #expect(VN2000Zones.zone(code: 5899)?.name == "VN-2000 múi 3° KTT 107°45′")
        #expect(VN2000Zones.zone(code: 9207)?.centralMeridian == 104.5)
        #expect(VN2000Zones.zone(code: 3405)?.name == "VN-2000 UTM múi 48N (KTT 105°00′)")
        #expect(Set(VN2000Zones.all.map(\.code)).count == 20)
    }
}
