/// One layer of a map as the renderer draws it: its features and their style, validated and
/// resolved once so every tile of the layer can use it as is.
public struct TileLayer: Sendable {
    public let source: any FeatureSource
    public let style: Style
    let compiled: RenderStyle

    /// A layer drawing `source` in `style`.
    /// - Throws: the first problem `Style.validate()` finds.
    public init(source: any FeatureSource, style: Style) throws(StyleError) {
        try style.validate()
        self.source = source
        self.style = style
        compiled = RenderStyle(style)
    }
}
