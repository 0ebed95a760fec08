"""The programmes run day to day: 어디나지원단 1:1 lessons (eodina), the digital experience bus (bus) and the
Smart City Center's group visits (center).

Each is a wing of its own (``ops.programs.eodina``, ``ops.programs.bus``, ``ops.programs.center``) with the usual rooms.
"""
