"""The paper's application, SIMULATED: a multi-tenant serverless cluster (appendix E).

The paper ran OpenWhisk on 21 IBM Cloud worker nodes with 12 benchmark functions and Azure
Functions traces; we cannot, so this package simulates it (SimPy; the ``serverless`` extra):

- ``model``: every modelling choice and number, with its source (paper, assumed, reading);
- ``cluster``: the discrete-event simulator (nodes, containers, cold starts, eviction,
  CPU sharing, interference);
- ``trace``: Azure-trace-schema workloads, a shipped synthetic trace and a loader;
- ``policies``: OpenWhisk's default, ENSURE, and tabular game policies;
- ``game``: the tabular mean-field game built from the simulator;
- ``experiment``: NAC and DL-NAC trained on the game, evaluated beside the baselines.
"""

from . import model

__all__ = ["model"]
