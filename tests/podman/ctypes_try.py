# ctypes_try.py LIB handled|fail: ctypes.CDLL(LIB), as Python programs load C
# libraries. "handled": the OSError is caught and the program goes on (exit 0);
# "fail": the traceback goes to stderr and Python exits 1.
import ctypes
import sys

if len(sys.argv) != 3 or sys.argv[2] not in ("handled", "fail"):
    sys.exit("usage: ctypes_try.py LIB handled|fail")
if sys.argv[2] == "handled":
    try:
        ctypes.CDLL(sys.argv[1])
    except OSError:
        pass
    print("ctypes_try: went on without", sys.argv[1])
else:
    ctypes.CDLL(sys.argv[1])
