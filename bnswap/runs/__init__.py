"""The paper's runs and their records: profiles, named experiments, the results store and the
runner. Imports no torch: training is reached only by calling down into :mod:`bnswap.core`."""
