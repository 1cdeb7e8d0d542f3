import Foundation

/// Finds the files of one shapefile layer in a zip archive, a folder or beside a .shp path,
/// and reads them into memory.
enum ShapefileSource {
    /// Members every layer may have beside its .shp.
    static let companions = ["shx", "dbf", "prj", "cpg"]

    /// The layer in a zip archive: its only .shp, or the one `layerName` names.
    static func fromZip(_ zip: inout ZipArchiveReader, layerName: String?) throws(FormatError) -> ShapefileFiles {
        let shps = zip.paths.filter { isVisible($0) && ext($0) == "shp" }
        let chosen = try choose(shps, layerName: layerName, file: zip.fileName)
        let stem = String(chosen.dropLast(4))
        var files = ShapefileFiles(name: baseName(stem), shp: try zip.extract(chosen))
        for companion in companions {
            guard let path = zip.paths.first(where: { ext($0) == companion && String($0.dropLast(companion.count + 1)) == stem })
                    ?? zip.paths.first(where: { ext($0) == companion && String($0.dropLast(companion.count + 1)).lowercased() == stem.lowercased() })
            else { continue }
            try store(try zip.extract(path), companion, in: &files)
        }
        return files
    }

    /// The layer in a folder: its only .shp, or the one `layerName` names.
    static func fromFolder(_ folder: URL, layerName: String?) throws(FormatError) -> ShapefileFiles {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw .cannotRead(file: folder.lastPathComponent, reason: "the folder cannot be listed")
        }
        let shps = names.filter { isVisible($0) && ext($0) == "shp" }
        let chosen = try choose(shps, layerName: layerName, file: folder.lastPathComponent)
        return try fromShp(folder.appendingPathComponent(chosen))
    }

    /// The layer whose .shp is at `url`, with the companions beside it.
    static func fromShp(_ url: URL) throws(FormatError) -> ShapefileFiles {
        let stem = url.deletingPathExtension()
        let folder = stem.deletingLastPathComponent()
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var files = ShapefileFiles(name: stem.lastPathComponent, shp: try readFile(url))
        for companion in companions {
            let wanted = stem.lastPathComponent + "." + companion
            guard let match = siblings.first(where: { $0 == wanted })
                    ?? siblings.first(where: { $0.lowercased() == wanted.lowercased() }) else { continue }
            try store(try readFile(folder.appendingPathComponent(match)), companion, in: &files)
        }
        return files
    }

    static func store(_ bytes: [UInt8], _ companion: String, in files: inout ShapefileFiles) throws(FormatError) {
        switch companion {
        case "shx": files.shx = bytes
        case "dbf": files.dbf = bytes
        case "prj": files.prj = TextEncoding.utf8.decode(bytes)
        case "cpg": files.cpg = String(decoding: bytes, as: UTF8.self)
        default: break
        }
    }

    static func choose(_ shps: [String], layerName: String?, file: String) throws(FormatError) -> String {
        let layers = shps.map { baseName(String($0.dropLast(4))) }
        if let layerName {
            let wanted = layerName.hasSuffix(".shp") ? String(layerName.dropLast(4)) : layerName
            if let index = layers.firstIndex(of: wanted) ?? layers.firstIndex(where: { $0.lowercased() == wanted.lowercased() }) {
                return shps[index]
            }
            throw .layerChoice(file: file, requested: layerName, available: layers.map { $0 + ".shp" })
        }
        guard let only = shps.first else {
            throw .unsupported(file: file, reason: "holds no shapefile (.shp)")
        }
        guard shps.count == 1 else {
            throw .layerChoice(file: file, requested: nil, available: shps)
        }
        return only
    }

    static func readFile(_ url: URL) throws(FormatError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url, options: .mappedIfSafe))
        } catch {
            throw .cannotRead(file: url.lastPathComponent, reason: "the file cannot be opened")
        }
    }

    /// The lower-cased extension of a path.
    static func ext(_ path: String) -> String {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return "" }
        return path[path.index(after: dot)...].lowercased()
    }

    static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    /// Whether a member is real data, not a macOS resource fork or hidden file.
    static func isVisible(_ path: String) -> Bool {
        !path.hasPrefix("__MACOSX/") && !baseName(path).hasPrefix(".")
    }
}
