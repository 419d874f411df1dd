"""The bottom layer: what a run is and how it is computed (Section 2, Appendix A.1).

``registries`` (the names of orders, architectures, activations, datasets), ``spec`` (a run as a
value) and ``paths`` import no torch; the rest is torch: activations, models, data, augment,
metrics, reference, train, allocator, precision. Nothing here imports another layer.
"""
