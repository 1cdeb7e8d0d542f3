import CProj
import Foundation
import Synchronization

/// Coordinates between WGS 84 longitude/latitude and another EPSG system, through PROJ (the
/// library SpatiaLite's `ST_Transform` uses, with the same choice of datum shift, so a map drawn
/// in VN-2000 lands where the imported data came from). Axis order is always easting (or
/// longitude) first here; the services apply each system's own order at their edges.
///
/// A PROJ object is not safe to share between threads: each transformer keeps a few, each in
/// its own context, and lends one per call.
final class Reprojection: Sendable {
    let code: Int
    private let pool = Mutex<[Handle]>([])

    private final class Handle: @unchecked Sendable {
        let context: OpaquePointer
        let transform: OpaquePointer

        init?(code: Int) {
            guard let context = proj_context_create() else { return nil }
            guard let raw = proj_create_crs_to_crs(context, "EPSG:4326", "EPSG:\(code)", nil) else {
                proj_context_destroy(context)
                return nil
            }
            guard let normalized = proj_normalize_for_visualization(context, raw) else {
                proj_destroy(raw)
                proj_context_destroy(context)
                return nil
            }
            proj_destroy(raw)
            self.context = context
            self.transform = normalized
        }

        deinit {
            proj_destroy(transform)
            proj_context_destroy(context)
        }
    }

    /// Nil when PROJ does not know the system or finds no way to it.
    init?(code: Int) {
        guard let first = Handle(code: code) else { return nil }
        self.code = code
        pool.withLock { $0.append(first) }
    }

    /// Every system's transformer, made once.
    private static let known = Mutex<[Int: Reprojection?]>([:])

    static func to(_ code: Int) -> Reprojection? {
        if let found = known.withLock({ $0[code] }) { return found }
        let made = Reprojection(code: code)
        known.withLock { $0[code] = made }
        return made
    }

    /// Turns interleaved lon, lat pairs into the system's easting, northing (or back with
    /// `inverse`), in place. A point PROJ cannot turn becomes infinity.
    func transform(_ xy: inout [Double], inverse: Bool = false) {
        guard xy.count >= 2 else { return }
        let handle = pool.withLock { $0.popLast() } ?? Handle(code: code)
        guard let handle else {
            for i in xy.indices { xy[i] = .infinity }
            return
        }
        defer { pool.withLock { if $0.count < 8 { $0.append(handle) } } }
        let count = xy.count / 2
        let stride = MemoryLayout<Double>.stride * 2
        xy.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = proj_trans_generic(handle.transform, inverse ? PJ_INV : PJ_FWD,
                                   base, stride, count, base + 1, stride, count, nil, 0, 0, nil, 0, 0)
        }
        for i in xy.indices where !xy[i].isFinite { xy[i] = .infinity }   // PROJ marks failures with HUGE_VAL
    }
}
