import Store

extension Portal {
    /// Starts drawing a layer's published version in the background (its in-memory index, or
    /// its overview when it is large), so that its first visitor after a publish does not wait.
    func prepareMap(slug: String) {
        guard let found = try? layers.findForAccess(slug: slug, agencyID: nil),
              let state = try? layers.mapState(layerID: found.layer.id),
              let drawing = map.published.drawing(found.layer, state: state) else { return }
        map.published.prepare(drawing)
    }

    /// Starts building, in the background and one at a time, the overviews of every published
    /// layer too large for an in-memory index; `bando serve` calls it once it listens.
    public func prepareLargeMaps() {
        guard let all = try? layers.listVisible(to: ListingScope(agencyID: nil, seesEverything: true)) else { return }
        for layer in all where layer.featureCount > map.published.indexFeatureLimit {
            prepareMap(slug: layer.slug)
        }
    }
}
