"""The programmes run day to day: 어디나지원단 1:1 lessons (eodina) and the digital experience bus (bus).

Each is a wing of its own (``ops.programs.eodina``, ``ops.programs.bus``) with the usual rooms.
"""
