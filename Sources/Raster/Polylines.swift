/// Polylines in pixel coordinates, appended a contour at a time: the cheap way to hand many
/// contours (all the features of one map style) to a `Painter` without building a `Path`.
///
/// Points that are not finite or lie beyond `PathFlattener.limit` are dropped as they are added,
/// so the painter only sees usable numbers. `removeAll()` keeps the storage for the next tile.
public struct Polylines: Sendable {
    var flat = FlatPath()

    public init() {}

    /// True when there is no contour.
    public var isEmpty: Bool { flat.contours.isEmpty }

    /// The number of points in all contours.
    public var pointCount: Int { flat.pointCount }

    /// The number of contours.
    public var contourCount: Int { flat.contours.count }

    /// Forgets every contour, keeping the storage.
    public mutating func removeAll() {
        flat.xy.removeAll(keepingCapacity: true)
        flat.contours.removeAll(keepingCapacity: true)
    }

    /// Appends one contour from interleaved x, y values; `closed` joins its last point back to its
    /// first when stroked (fills always close). A contour left without points is not added.
    public mutating func append(contour xy: UnsafeBufferPointer<Double>, closed: Bool) {
        guard xy.count >= 2 else { return }
        flat.beginContour()
        var i = 0
        while i + 1 < xy.count {
            let x = xy[i], y = xy[i + 1]
            if PathFlattener.usable(x, y) { flat.append(x, y) }
            i += 2
        }
        flat.endContour(closed: closed)
    }

    /// Appends one contour from interleaved x, y values.
    public mutating func append(contour xy: [Double], closed: Bool) {
        xy.withUnsafeBufferPointer { append(contour: $0, closed: closed) }
    }

    /// Appends an axis-aligned rectangle as a closed contour (clockwise on screen).
    public mutating func appendRectangle(x: Double, y: Double, width: Double, height: Double) {
        guard PathFlattener.usable(x, y), PathFlattener.usable(x + width, y + height) else { return }
        flat.beginContour()
        flat.append(x, y)
        flat.append(x + width, y)
        flat.append(x + width, y + height)
        flat.append(x, y + height)
        flat.endContour(closed: true)
    }
}
