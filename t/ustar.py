# A POSIX ustar archive of one file whose path is split over the prefix
# (offset 345) and name (offset 0) fields, as tar joins them: PREFIX/NAME.
# usage: python3 t/ustar.py OUT PREFIX NAME TEXT
import sys

out, prefix, name, text = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
h = bytearray(512)
h[0:len(name)] = name.encode()
h[100:108] = b"0000644\0"
h[108:116] = b"0000000\0"
h[116:124] = b"0000000\0"
h[124:136] = b"%011o\0" % len(text)
h[136:148] = b"00000000000\0"
h[156:157] = b"0"
h[257:263] = b"ustar\0"
h[263:265] = b"00"
h[345:345 + len(prefix)] = prefix.encode()
h[148:156] = b" " * 8
h[148:156] = b"%06o\0 " % sum(h)
body = text + b"\0" * (-len(text) % 512)
with open(out, "wb") as f:
    f.write(bytes(h) + body + b"\0" * 1024)
