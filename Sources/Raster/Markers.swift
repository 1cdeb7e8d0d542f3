/// Point marker shapes, sized in pixels.
public enum MarkerShape: Sendable, Hashable {
    /// A circle whose diameter is the size.
    case circle
    /// An axis-aligned square whose side is the size.
    case square
    /// An equilateral triangle pointing up, side equal to the size, centred on its centroid.
    case triangle
}

/// A marker's outlines built once in local coordinates (centre at the origin) and translated
/// for every position, so thousands of markers cost no path building.
struct MarkerTemplate {
    let key: Key
    /// The filled shape.
    let fill: FlatPath
    /// The outline of its stroke, to fill with non-zero; empty when there is no stroke.
    let stroke: FlatPath

    struct Key: Hashable {
        var shape: MarkerShape
        var size: Double
        var strokeWidth: Double
    }

    init(_ key: Key, tolerance: Double) {
        self.key = key
        let path = MarkerTemplate.path(key.shape, size: key.size)
        fill = PathFlattener.flatten(path, tolerance: tolerance)
        if key.strokeWidth > 0 {
            var stroker = Stroker(width: key.strokeWidth, join: .miter, cap: .butt, miterLimit: 4,
                                  tolerance: tolerance)
            stroker.stroke(fill)
            stroke = stroker.out
        } else {
            stroke = FlatPath()
        }
    }

    /// The shape as a path centred on the origin.
    static func path(_ shape: MarkerShape, size: Double) -> Path {
        let r = size / 2
        switch shape {
        case .circle:
            return Path.circle(centerX: 0, centerY: 0, radius: r)
        case .square:
            return Path.rectangle(x: -r, y: -r, width: size, height: size)
        case .triangle:
            // Side s: height s·√3/2, centroid a third of the height above the base.
            let height = size * 0.866_025_403_784_438_6
            var p = Path()
            p.move(to: 0, -height * 2 / 3)
            p.line(to: r, height / 3)
            p.line(to: -r, height / 3)
            p.close()
            return p
        }
    }
}
