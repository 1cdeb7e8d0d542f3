// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "bando",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "bando", targets: ["bando"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CZlibShim", path: "Sources/CZlibShim", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CProj", path: "Sources/CProj", pkgConfig: "proj",
                       providers: [.apt(["libproj-dev"])]),

        // Leaves.
        .target(name: "Geometry"),
        .target(name: "Raster", dependencies: ["CZlibShim"]),
        .target(name: "HTTP", dependencies: ["CZlibShim"]),
        .target(name: "OIDC", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),

        // Middle.
        .target(name: "Cartography", dependencies: ["Geometry", "Raster"]),
        .target(name: "Formats", dependencies: [
            "Geometry",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Store", dependencies: [
            "Geometry",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        // The application and its executable.
        .target(name: "Portal", dependencies: [
            "HTTP", "Cartography", "Raster", "Formats", "Store", "Geometry", "CSodium", "CProj", "OIDC",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "bando", dependencies: [
            "Portal", "Store", "Cartography", "Geometry", "Raster",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Tests.
        .target(name: "PNGTestSupport", dependencies: ["CZlibShim"], path: "Tests/PNGTestSupport"),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "RasterTests", dependencies: ["Raster", "PNGTestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "OIDCTests", dependencies: [
            "OIDC", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "FormatsTestSupport", dependencies: [
            "Formats", "Geometry", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], path: "Tests/FormatsTestSupport"),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Geometry", "FormatsTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "CartographyTests", dependencies: ["Cartography", "Geometry", "Raster"]),
        .testTarget(name: "PortalTests", dependencies: ["Portal", "HTTP", "Store", "Cartography", "Geometry", "PNGTestSupport", "FormatsTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Portal", "HTTP", "Store", "PNGTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
