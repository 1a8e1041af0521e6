package users

import "testing"

func TestPoolCacheFollowsTheStoredDocument(t *testing.T) {
	var c poolCache
	v1 := []byte(`{"Pool":{"Name":"one","UsernameAttributes":["email"]}}`)
	a, err := c.decode("us-east-1_A", v1)
	if err != nil || a.Config.Name != "one" || a.ID != "us-east-1_A" || len(a.usernameAttributes()) != 1 {
		t.Fatalf("decode: %+v %v", a, err)
	}
	if again, _ := c.decode("us-east-1_A", []byte(string(v1))); again != a {
		t.Fatal("the same document was decoded again")
	}
	v1[10] = 'X' // the cache keeps its own copy of the document
	b, err := c.decode("us-east-1_A", []byte(`{"Pool":{"Name":"two"}}`))
	if err != nil || b == a || b.Config.Name != "two" || len(b.usernameAttributes()) != 0 {
		t.Fatalf("a changed pool is not decoded afresh: %+v %v", b, err)
	}
	if _, err := c.decode("us-east-1_B", []byte(`{"Pool":`)); err == nil {
		t.Fatal("a broken document decoded")
	}
	for i := range maxDecodedPools + 1 { // bounded
		c.decode(string(rune('a'+i%26))+string(rune(i)), []byte(`{"Pool":{}}`))
	}
	if len(c.pools) > maxDecodedPools {
		t.Fatalf("%d pools cached", len(c.pools))
	}
}
