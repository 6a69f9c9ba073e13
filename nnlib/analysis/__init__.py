"""The numbers the pictures show: measurements and small experiments, one module per topic.

``activations`` (minima, saturation, the activation table, dead units, linear collapse),
``gradients`` (gradient norms per layer), ``approximation`` (one-hidden-layer fits),
``training`` (runs and sweeps), ``cost`` (``best_time``, the chapters' timing helper), ``regularization`` (weights, hidden activations, dropout
ensembles).  The pictures of the same topic are in :mod:`nnlib.viz`, the widgets in
:mod:`nnlib.widgets`.  Everything here returns arrays, tuples or dicts; nothing draws.
"""
