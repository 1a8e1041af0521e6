package certs

import (
	"context"
	"slices"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/store"
	"github.com/gognito/gognito/internal/wire/acm"
)

// checkTags refuses tags that use the aws: prefix, which AWS reserves.
func checkTags(tags []acm.Tag) error {
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") || strings.HasPrefix(strings.ToLower(t.Value), "aws:") {
			return awserr.Newf(errInvalidTag, "The tag %s is not valid: keys and values that begin with aws: are reserved for AWS.", t.Key)
		}
	}
	return nil
}

// mergeTags adds tags to have, replacing the value of a key already there
// and keeping the order in which keys first came.
func mergeTags(have, add []acm.Tag) []acm.Tag {
	out := slices.Clone(have)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(h acm.Tag) bool { return h.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}

func tooManyTags() error {
	return awserr.Newf(errTooManyTags, "A certificate can have at most %d tags.", MaxTags)
}

// AddTagsToCertificate adds tags to a certificate or changes their values.
func (s *Service) AddTagsToCertificate(ctx context.Context, in *acm.AddTagsToCertificateRequest) (*struct{}, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := s.update(ctx, in.CertificateArn, func(_ *store.Certificate, d *certDoc) error {
		tags := mergeTags(d.Tags, in.Tags)
		if len(tags) > MaxTags {
			return tooManyTags()
		}
		d.Tags = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// RemoveTagsFromCertificate removes tags: a tag given with a value only
// when the certificate's tag has that value, a tag given without one
// whatever its value. (The wire type cannot tell an empty value from none,
// so an empty value removes the key whatever its value.)
func (s *Service) RemoveTagsFromCertificate(ctx context.Context, in *acm.RemoveTagsFromCertificateRequest) (*struct{}, error) {
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	_, err := s.update(ctx, in.CertificateArn, func(_ *store.Certificate, d *certDoc) error {
		d.Tags = slices.DeleteFunc(d.Tags, func(h acm.Tag) bool {
			return slices.ContainsFunc(in.Tags, func(t acm.Tag) bool {
				return t.Key == h.Key && (t.Value == "" || t.Value == h.Value)
			})
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

// ListTagsForCertificate lists a certificate's tags.
func (s *Service) ListTagsForCertificate(ctx context.Context, in *acm.ListTagsForCertificateRequest) (*acm.ListTagsForCertificateResponse, error) {
	_, d, err := s.lookup(ctx, in.CertificateArn)
	if err != nil {
		return nil, err
	}
	tags := d.Tags
	if tags == nil {
		tags = []acm.Tag{}
	}
	return &acm.ListTagsForCertificateResponse{Tags: tags}, nil
}
