#!/usr/bin/env python3
# Lists the methods and constructors of src/main longer than a limit (default 60 lines), longest first, marking those
# with a // comment in the three lines above them (the reason the project asks for beside a long method).
# Brace-matching on the source text, not a Java parser: a row is a place to look.
#
#   python3 scripts/long-methods.py [LIMIT]
import os, re, sys
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'main', 'java', 'dev', 'kubepath')
root = os.path.normpath(root)
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
sig = re.compile(r'^\s*(?:@\w+(?:\([^)]*\))?\s*)*(?:(?:public|private|protected|static|final|synchronized|abstract|default|native)\s+)*(?:<[^>]+>\s+)?[\w.<>\[\],? ]+\s+(\w+)\s*\((?!.*;\s*$).*$|^\s*(?:(?:public|private|protected)\s+)?([A-Z]\w*)\s*\(')
res = []
for d, _, fs in os.walk(root):
    for f in fs:
        if not f.endswith('.java'): continue
        p = os.path.join(d, f); lines = open(p).read().split('\n')
        i = 0
        while i < len(lines):
            l = lines[i]; s = l.strip()
            m = sig.match(l)
            if m and not s.startswith(('return', 'new ', 'else', 'if', 'for', 'while', 'switch', 'case', 'throw', '//', '*')) and '=' not in s.split('(')[0] and not re.search(r'\b(record|class|interface|enum)\b', s.split('(')[0]):
                # find the opening brace of the body
                j = i; body = None
                while j < len(lines) and j < i + 8:
                    if ';' in lines[j] and '{' not in lines[j]: break
                    if '{' in lines[j]: body = j; break
                    j += 1
                if body is not None:
                    depth = 0; k = body; started = False
                    while k < len(lines):
                        code = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|//.*', '', lines[k])
                        depth += code.count('{') - code.count('}')
                        if depth > 0: started = True
                        if started and depth <= 0: break
                        if not started and '{' in code and depth <= 0: break
                        k += 1
                    n = k - i + 1
                    name = m.group(1) or m.group(2)
                    if n > limit:
                        reason = any(x.strip().startswith('//') for x in lines[max(0, i - 3):i])
                        res.append((n, p.replace(root + '/', ''), i + 1, name, reason))
                    i = body + 1 if n <= 3 else i + 1
                    continue
            i += 1
for n, p, line, name, reason in sorted(res, reverse=True):
    print(f"{n:4d}  {p}:{line}  {name}{'   [reason beside it]' if reason else ''}")
