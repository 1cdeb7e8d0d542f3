/// Drawing prepared polylines: the map renderer's fast path, with no `Path` and no flattening.
extension Painter {
    /// Fills the inside of every contour of `polylines` (each implicitly closed) with `color`.
    public func fill(_ polylines: Polylines, color: Color, rule: FillRule = .nonZero) {
        guard color.a > 0, !polylines.isEmpty else { return }
        prepareScanConverter()
        scan.add(polylines.flat)
        paint(color.premultiplied, rule: rule)
    }

    /// Strokes every contour of `polylines` with `color` in `style`, as `stroke(_:color:style:)`
    /// does for a path: closed contours get joins all round, open ones get caps.
    public func stroke(_ polylines: Polylines, color: Color, style: StrokeStyle) {
        guard color.a > 0, !polylines.isEmpty, style.width.isFinite, style.width > 0 else { return }
        prepareScanConverter()
        var flat = polylines.flat
        if let dasher = Dasher(pattern: style.dash, offset: style.dashOffset) {
            flat = dasher.dash(flat)
        }
        let width = max(style.width, 1)
        let paintColor = style.width < 1 ? color.withOpacity(style.width) : color
        guard paintColor.a > 0 else { return }
        var stroker = Stroker(width: width, join: style.join, cap: style.cap,
                              miterLimit: style.miterLimit, tolerance: tolerance)
        stroker.stroke(flat)
        scan.add(stroker.out)
        paint(paintColor.premultiplied, rule: .nonZero)
    }
}
