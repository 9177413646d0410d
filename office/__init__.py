"""Office files the registry writes and reads.

``cells``: the one writer of every spreadsheet cell the application emits (XLSX and CSV), so that no export can
let a formula through. ``ooxml``: the checks an uploaded Office Open XML file (.xlsx, .docx) passes before
anything decompresses or parses it (archive bombs, unsafe member paths, executables).
"""
