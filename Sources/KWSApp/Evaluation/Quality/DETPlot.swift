import Foundation

/// A detection error tradeoff (DET) plot as SVG: false-rejection rate against false accepts per
/// hour (log scale), one curve per model through its cutoffs, each model's own setting marked.
/// Points with no false accepts sit in a "0" column left of the log axis (log scale has no 0).
public struct DETPlot: Sendable {
    public struct Point: Sendable, Equatable {
        public var label: String
        public var falseAcceptsPerHour: Double
        public var falseRejectionRate: Double
    }

    public struct Curve: Sendable, Equatable {
        public var name: String
        /// In cutoff order.
        public var points: [Point]
        /// The label of the point that is the model's own setting.
        public var operatingPoint: String?
    }

    public var title: String
    public var curves: [Curve]
    /// What a point stands for: "cutoff" (wake-word models) or "threshold" (command models).
    public var pointName: String

    static let width = 720.0, height = 500.0
    static let left = 80.0, right = 180.0, top = 50.0, bottom = 70.0
    /// Width of the "0" column and its gap before the log axis.
    static let zeroColumn = 46.0
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    /// One curve per report, points in the report's row order.
    public init(reports: [QualityReport], title: String = "Detection error tradeoff", pointName: String = "cutoff") {
        self.title = title
        self.pointName = pointName
        curves = reports.map { report in
            Curve(
                name: report.model,
                points: report.rows.map {
                    Point(
                        label: $0.cutoffText, falseAcceptsPerHour: $0.falseAcceptsPerHour,
                        falseRejectionRate: $0.falseRejectionRate)
                },
                operatingPoint: report.operatingPoint)
        }
    }

    /// Decades of false accepts per hour the log axis spans (at least one).
    var decades: ClosedRange<Int> {
        let values = curves.flatMap(\.points).map(\.falseAcceptsPerHour).filter { $0 > 0 && $0.isFinite }
        guard let low = values.min(), let high = values.max() else { return -1 ... 1 }
        let lower = Int(log10(low).rounded(.down)), upper = Int(log10(high).rounded(.up))
        return lower ... max(upper, lower + 1)
    }

    /// Top of the y axis in percent: the smallest of 5, 10, 20, 50, 100 above every point.
    var maximumPercent: Double {
        let highest = curves.flatMap(\.points).map { $0.falseRejectionRate * 100 }.max() ?? 0
        return [5.0, 10, 20, 50, 100].first { $0 >= highest } ?? 100
    }

    func x(_ falseAcceptsPerHour: Double) -> Double {
        let plotLeft = Self.left, plotRight = Self.width - Self.right
        guard falseAcceptsPerHour > 0 else { return plotLeft + Self.zeroColumn / 2 - 8 }
        let span = decades
        let fraction = (log10(falseAcceptsPerHour) - Double(span.lowerBound)) / Double(span.upperBound - span.lowerBound)
        return plotLeft + Self.zeroColumn + fraction * (plotRight - plotLeft - Self.zeroColumn)
    }

    func y(_ falseRejectionRate: Double) -> Double {
        let plotTop = Self.top, plotBottom = Self.height - Self.bottom
        return plotBottom - (falseRejectionRate * 100 / maximumPercent) * (plotBottom - plotTop)
    }

    /// The plot as a standalone SVG document.
    public var svg: String {
        let w = Self.width, h = Self.height
        let plotLeft = Self.left, plotRight = w - Self.right, plotTop = Self.top, plotBottom = h - Self.bottom
        let logLeft = plotLeft + Self.zeroColumn
        var s: [String] = []
        s.append(
            #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(f(w))" height="\#(f(h))" viewBox="0 0 \#(f(w)) \#(f(h))" "#
                + #"font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"#)
        s.append(#"<rect width="100%" height="100%" fill="white"/>"#)
        s.append(
            #"<text x="\#(f((plotLeft + plotRight) / 2))" y="28" text-anchor="middle" font-size="16" font-weight="bold">\#(escape(title))</text>"#
        )

        // Grid and ticks: x decades (and 2, 5 between), y in fifths of the top value.
        let span = decades
        for decade in span {
            for step in [1.0, 2, 5] {
                let value = step * pow(10, Double(decade))
                guard decade < span.upperBound || step == 1 else { continue }
                let px = x(value)
                let major = step == 1
                s.append(
                    #"<line x1="\#(f(px))" y1="\#(f(plotTop))" x2="\#(f(px))" y2="\#(f(plotBottom))" stroke="\#(major ? "rgb(204,204,204)" : "rgb(238,238,238)")"/>"#
                )
                if major || span.count <= 3 {
                    s.append(#"<text x="\#(f(px))" y="\#(f(plotBottom + 18))" text-anchor="middle">\#(tick(value))</text>"#)
                }
            }
        }
        s.append(#"<text x="\#(f(x(0)))" y="\#(f(plotBottom + 18))" text-anchor="middle">0</text>"#)
        for fifth in 0 ... 5 {
            let percent = maximumPercent * Double(fifth) / 5
            let py = y(percent / 100)
            s.append(#"<line x1="\#(f(plotLeft))" y1="\#(f(py))" x2="\#(f(plotRight))" y2="\#(f(py))" stroke="rgb(221,221,221)"/>"#)
            s.append(#"<text x="\#(f(plotLeft - 8))" y="\#(f(py + 4))" text-anchor="end">\#(tick(percent))%</text>"#)
        }
        // Axes, with a break between the "0" column and the log axis.
        s.append(
            #"<rect x="\#(f(plotLeft))" y="\#(f(plotTop))" width="\#(f(plotRight - plotLeft))" height="\#(f(plotBottom - plotTop))" fill="none" stroke="black"/>"#
        )
        s.append(
            #"<line x1="\#(f(logLeft - 12))" y1="\#(f(plotBottom + 5))" x2="\#(f(logLeft - 6))" y2="\#(f(plotBottom - 5))" stroke="black"/>"#
        )
        s.append(
            #"<line x1="\#(f(logLeft - 7))" y1="\#(f(plotBottom + 5))" x2="\#(f(logLeft - 1))" y2="\#(f(plotBottom - 5))" stroke="black"/>"#
        )
        s.append(
            #"<text x="\#(f((plotLeft + plotRight) / 2))" y="\#(f(h - 22))" text-anchor="middle" font-size="13">False accepts per hour (log scale)</text>"#
        )
        s.append(
            #"<text transform="translate(22 \#(f((plotTop + plotBottom) / 2))) rotate(-90)" text-anchor="middle" font-size="13">False rejection rate (%)</text>"#
        )

        // Curves, then the operating points on top.
        for (index, curve) in curves.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let points = curve.points.map { "\(f(x($0.falseAcceptsPerHour))),\(f(y($0.falseRejectionRate)))" }
            s.append(#"<polyline points="\#(points.joined(separator: " "))" fill="none" stroke="\#(color)" stroke-width="2"/>"#)
            for point in curve.points {
                s.append(
                    #"<circle cx="\#(f(x(point.falseAcceptsPerHour)))" cy="\#(f(y(point.falseRejectionRate)))" r="3" fill="\#(color)"><title>\#(escape(curve.name)) \#(escape(pointName)) \#(escape(point.label))</title></circle>"#
                )
            }
        }
        for (index, curve) in curves.enumerated() {
            guard let label = curve.operatingPoint, let point = curve.points.first(where: { $0.label == label }) else { continue }
            let color = Self.palette[index % Self.palette.count]
            let px = x(point.falseAcceptsPerHour), py = y(point.falseRejectionRate)
            s.append(
                #"<path d="M \#(f(px)) \#(f(py - 8)) L \#(f(px + 8)) \#(f(py)) L \#(f(px)) \#(f(py + 8)) L \#(f(px - 8)) \#(f(py)) Z" fill="white" stroke="\#(color)" stroke-width="2.5"/>"#
            )
            // Stacked per curve so that labels of points in one place stay apart, and inside the plot.
            let labelY = max(py - 6 - Double(index) * 13, plotTop + 14 + Double(index) * 13)
            s.append(#"<text x="\#(f(px + 11))" y="\#(f(labelY))" fill="\#(color)" font-size="11">\#(escape(label))</text>"#)
        }

        // Legend right of the plot.
        let legendX = plotRight + 16
        for (index, curve) in curves.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let ly = plotTop + 10 + Double(index) * 20
            s.append(
                #"<line x1="\#(f(legendX))" y1="\#(f(ly))" x2="\#(f(legendX + 24))" y2="\#(f(ly))" stroke="\#(color)" stroke-width="2"/>"#)
            let setting = curve.operatingPoint.map { " (\($0))" } ?? ""
            s.append(#"<text x="\#(f(legendX + 30))" y="\#(f(ly + 4))">\#(escape(curve.name + setting))</text>"#)
        }
        let markY = plotTop + 10 + Double(curves.count) * 20 + 6
        s.append(
            #"<path d="M \#(f(legendX + 12)) \#(f(markY - 7)) L \#(f(legendX + 19)) \#(f(markY)) L \#(f(legendX + 12)) \#(f(markY + 7)) L \#(f(legendX + 5)) \#(f(markY)) Z" fill="white" stroke="black" stroke-width="2"/>"#
        )
        s.append(#"<text x="\#(f(legendX + 30))" y="\#(f(markY + 4))">model's \#(escape(pointName))</text>"#)
        s.append(
            #"<text x="\#(f(legendX))" y="\#(f(markY + 28))" font-size="11" fill="rgb(85,85,85)">points: \#(escape(pointName))s</text>"#)
        s.append(#"<text x="\#(f(legendX))" y="\#(f(markY + 42))" font-size="11" fill="rgb(85,85,85)">\#(escape(cutoffRange))</text>"#)
        s.append("</svg>")
        return s.joined(separator: "\n") + "\n"
    }

    /// "0.5 ... 0.95", the cutoffs of the first curve (what the dots stand for).
    private var cutoffRange: String {
        guard let first = curves.first?.points.first?.label, let last = curves.first?.points.last?.label else { return "" }
        return first == last ? first : "\(first) ... \(last)"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private func tick(_ value: Double) -> String { String(format: "%g", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
