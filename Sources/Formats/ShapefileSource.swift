import Foundation

/// Finds the files of one shapefile layer in a zip archive, a folder or beside a .shp path,
/// and reads them into memory.
enum ShapefileSource {
    /// Members every layer may have beside its .shp.
    static let companions = ["shx", "dbf", "prj", "cpg"]

    /// The layer in a zip archive: its only .shp, or the one `layerName` names.
    static func fromZip(_ zip: inout ZipArchiveReader, layerName: String?) throws(FormatError) -> ShapefileFiles {
        let shps = shapefiles(in: zip)
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
        let chosen = try choose(try shapefiles(in: folder), layerName: layerName, file: folder.lastPathComponent)
        return try fromShp(folder.appendingPathComponent(chosen))
    }

    /// The paths of the .shp members of a zip archive, in the archive's order.
    static func shapefiles(in zip: ZipArchiveReader) -> [String] {
        zip.paths.filter { isVisible($0) && ext($0) == "shp" }
    }

    /// The names of the .shp files in a folder, sorted.
    static func shapefiles(in folder: URL) throws(FormatError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw .cannotRead(file: folder.lastPathComponent, reason: "the folder cannot be listed")
        }
        return names.filter { isVisible($0) && ext($0) == "shp" }
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

    /// The .shp among `shps` that `layerName` names (its path, or its file name with or
    /// without ".shp", in any case), or the only one; several and none named is a `layerChoice`.
    static func choose(_ shps: [String], layerName: String?, file: String) throws(FormatError) -> String {
        if let layerName {
            if let exact = shps.first(where: { $0 == layerName }) { return exact }
            let wanted = ext(layerName) == "shp" ? String(layerName.dropLast(4)) : layerName
            let stems = shps.map { String(baseName($0).dropLast(4)) }
            if let index = stems.firstIndex(of: wanted) ?? stems.firstIndex(where: { $0.lowercased() == wanted.lowercased() }) {
                return shps[index]
            }
            throw .layerChoice(file: file, requested: layerName, available: shps.map(baseName))
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
