import Foundation

/// Cuts polylines into dashes: open polylines, one per "on" interval of the pattern.
///
/// The pattern runs continuously along each contour, starting `offset` pixels in. On a closed
/// contour a dash that runs over the start point is joined with the first dash, so the seam
/// does not show as two caps.
struct Dasher {
    /// Alternating on and off lengths, even in count, all finite and non-negative, sum > 0.
    let intervals: [Double]
    let patternLength: Double
    let offset: Double

    /// Most dashes one contour may produce; beyond it the contour is stroked solid rather than
    /// spending unbounded time and memory on an invisible pattern.
    static let maxDashesPerContour = 100_000.0

    /// A dasher for `pattern`, or nil when the pattern means a solid line.
    init?(pattern: [Double], offset: Double) {
        guard !pattern.isEmpty, pattern.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let intervals = pattern.count % 2 == 1 ? pattern + pattern : pattern
        let total = intervals.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        self.intervals = intervals
        patternLength = total
        let o = offset.isFinite ? offset.truncatingRemainder(dividingBy: total) : 0
        self.offset = o < 0 ? o + total : o
    }

    func dash(_ path: FlatPath) -> FlatPath {
        var out = FlatPath()
        out.xy.reserveCapacity(path.xy.count)
        for contour in path.contours {
            dashContour(path, contour, into: &out)
        }
        return out
    }

    private func dashContour(_ path: FlatPath, _ contour: FlatPath.Contour, into out: inout FlatPath) {
        let n = contour.count
        let segments = contour.closed ? n : n - 1
        guard segments >= 1 else { return }
        var total = 0.0
        for s in 0..<segments {
            let i = contour.start + s, j = contour.start + (s + 1) % n
            total += hypot(path.x(j) - path.x(i), path.y(j) - path.y(i))
        }
        if total / patternLength > Dasher.maxDashesPerContour {
            out.beginContour()
            for i in contour.start..<(contour.start + n) { out.append(path.x(i), path.y(i)) }
            out.endContour(closed: contour.closed)
            return
        }
        // Position in the pattern.
        var index = 0
        var remaining = intervals[0]
        var skip = offset
        while skip > 0 {
            if skip >= remaining {
                skip -= remaining
                index = (index + 1) % intervals.count
                remaining = intervals[index]
            } else {
                remaining -= skip
                skip = 0
            }
        }
        let firstContour = out.contours.count
        let startsOn = index % 2 == 0
        var on = startsOn
        if on {
            out.beginContour()
            out.append(path.x(contour.start), path.y(contour.start))
        }
        for s in 0..<segments {
            let i = contour.start + s, j = contour.start + (s + 1) % n
            let x0 = path.x(i), y0 = path.y(i), x1 = path.x(j), y1 = path.y(j)
            let length = hypot(x1 - x0, y1 - y0)
            var t = 0.0
            while length - t > remaining {
                t += remaining
                let f = t / length
                let x = x0 + (x1 - x0) * f, y = y0 + (y1 - y0) * f
                if on {
                    out.append(x, y)
                    out.endContour(closed: false)
                } else {
                    out.beginContour()
                    out.append(x, y)
                }
                on.toggle()
                index = (index + 1) % intervals.count
                remaining = intervals[index]
            }
            remaining -= length - t
            if on { out.append(x1, y1) }
        }
        if on { out.endContour(closed: false) }
        // A closed contour that starts and ends inside a dash: join the last dash to the first.
        if contour.closed, startsOn, on, out.contours.count - firstContour >= 2 {
            mergeLastIntoFirst(&out, first: firstContour)
        }
    }

    /// Moves the last contour's points in front of the contour at `first` (sharing one point).
    private func mergeLastIntoFirst(_ out: inout FlatPath, first: Int) {
        let last = out.contours.removeLast()
        let head = out.contours[first]
        let tail = Array(out.xy[(last.start * 2)..<((last.start + last.count) * 2)])
        out.xy.removeSubrange((last.start * 2)...)
        // The tail ends where the head starts: drop the tail's final point.
        out.xy.insert(contentsOf: tail.dropLast(2), at: head.start * 2)
        let added = last.count - 1
        out.contours[first].count += added
        for k in (first + 1)..<out.contours.count {
            out.contours[k].start += added
        }
    }
}
