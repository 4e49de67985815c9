"""Audio fingerprinting for broadcast monitoring (放送モニタリング用の音響指紋).

The fingerprint is a constellation of spectral peaks on a logarithmic frequency axis. A change of
playback speed (resampling: pitch and tempo together) shifts every peak by the same number of
log-frequency bins and stretches time by the same factor, so the matcher tries a small set of speed
hypotheses on the query's peaks instead of re-analysing the audio. Queries use twice the peak
density of references and pair every peak with all peaks in its target zone, so reference pairs
survive where speech or noise adds peaks of its own.

Modules: :mod:`.audio` (decoding, streaming), :mod:`.spectral` (log-frequency spectrogram, peaks),
:mod:`.hashing` (peak pairs), :mod:`.index` (the reference index), :mod:`.matcher` (queries),
:mod:`.monitor` (long recordings) and :mod:`.reconcile` (usage lines against station reports).
"""
