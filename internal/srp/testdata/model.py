#!/usr/bin/env python3
# Independent model of Cognito SRP (both sides), written from the spec
# (docs: cognito-behaviour.md 4.3) with hashlib/hmac/pow only. It prints the
# "py*" server-side vector in vectors_test.go: python3 testdata/model.py
import hashlib, hmac, base64
N = int("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",16)
g = 2
def pad_hex(n):
    h = '%x' % n
    if len(h) % 2: h = '0' + h
    elif h[0] in '89abcdef': h = '00' + h
    return h
def hex_hash(h): return hashlib.sha256(bytes.fromhex(h)).hexdigest()
k = int(hex_hash(pad_hex(N) + pad_hex(g)), 16)
pool = "AbC123xyz"
user = "7d0c2e2a-5b1e-4b43-9f0e-3f1c2a6b8d11"
pw = "Correct-Horse-9!"
salt_hex = bytes(range(0x80, 0x90)).hex()
inner = hashlib.sha256((pool + user + ":" + pw).encode()).hexdigest()
x = int(hex_hash(pad_hex(int(salt_hex, 16)) + inner), 16)
v = pow(g, x, N)
b = int(bytes(range(1, 33)).hex(), 16)
a = int(bytes((0xa0 + i) % 256 for i in range(128)).hex(), 16)
A = pow(g, a, N)
B = (k * v + pow(g, b, N)) % N
u = int(hex_hash(pad_hex(A) + pad_hex(B)), 16)
S = pow(A * pow(v, u, N), b, N)
Sc = pow((B - k * pow(g, x, N)) % N, a + u * x, N)
assert S == Sc
prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(S)), hashlib.sha256).digest()
K = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
block = base64.b64encode(b"an opaque secret block \x00\xff").decode()
ts = "Wed Apr 5 22:42:34 UTC 2017"
sig = base64.b64encode(hmac.new(K, pool.encode() + user.encode() + base64.b64decode(block) + ts.encode(), hashlib.sha256).digest()).decode()
print("verifier", '%0768x' % v)
print("A", '%x' % A)
print("B", '%x' % B)
print("u", '%x' % u)
print("K", K.hex())
print("block", block)
print("sig", sig)
