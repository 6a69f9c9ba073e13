"""nnlib — the small NumPy library behind *Neural Networks — an interactive companion*.

Conventions (the chapters use the same symbols, so every formula of the text can be
found here under the same name):

* A batch is stored in rows: the input ``X`` has shape ``(n, d)`` — ``n`` samples of
  ``d`` features.  Targets ``y`` have ``n`` rows too.
* Layer ``l`` (``l = 1 … L``) has weights ``W`` of shape ``(h_l, h_{l-1})`` and a bias
  ``b`` of shape ``(h_l,)``.  With ``a^(0) = X`` it computes

      z^(l) = a^(l-1) @ W^(l).T + b^(l)        # (n, h_l)
      a^(l) = σ(z^(l))                          # (n, h_l)

  The bias is broadcast along the batch axis (one copy per row).
* ``delta`` is the error signal ∂L/∂z of a layer, shape ``(n, h_l)``.
  ``dW`` means ∂L/∂W (shape of ``W``), ``db`` means ∂L/∂b (shape of ``b``), and in general
  ``dX`` is ∂L/∂X.  In a network, parameters and gradients are dictionaries keyed
  ``"W1", "b1", "W2", …`` (plus ``"gamma1", "beta1"`` for normalisation layers).
* Losses are averaged over the batch, so gradients carry a ``1/n``.
* Randomness always enters through an ``rng`` argument (a ``numpy.random.Generator``)
  or an integer ``seed``; nnlib never touches NumPy's global random state.
* float32 in gives float32 out; nothing is silently promoted to float64.
* Bad input raises ``TypeError`` or ``ValueError`` naming the argument, the
  expected and the received value.
"""

__version__ = "0.1.0"
