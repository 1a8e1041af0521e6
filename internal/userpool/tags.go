package userpool

import (
	"context"
	"maps"
	"regexp"

	"github.com/gognito/gognito/internal/awserr"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

var poolARN = regexp.MustCompile(`^arn:[a-z-]+:cognito-idp:[a-z0-9-]+:\d{12}:userpool/([\w-]+_[0-9a-zA-Z]+)$`)

// poolIDFromARN finds the pool an ARN names; ARNs of anything else are not
// taggable here.
func (s *Service) poolIDFromARN(arn string) (string, error) {
	m := poolARN.FindStringSubmatch(arn)
	if m == nil {
		return "", awserr.Newf(awserr.InvalidParameter, "Invalid resource ARN %s.", arn)
	}
	return m[1], nil
}

// TagResource adds or replaces tags on a user pool.
func (s *Service) TagResource(ctx context.Context, in *cip.TagResourceRequest) (*cip.TagResourceResponse, error) {
	id, err := s.poolIDFromARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	_, err = s.updatePool(ctx, id, func(d *poolState) error {
		cur, ok := s.tagsAt(d, in.ResourceArn)
		if !ok {
			return poolNotFound(id)
		}
		tags := maps.Clone(*cur)
		if tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, in.Tags)
		if len(tags) > MaxTagsPerResource {
			return awserr.Newf(awserr.UserPoolTagging, "A resource can have at most %d tags.", MaxTagsPerResource)
		}
		*cur = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.TagResourceResponse{}, nil
}

// UntagResource removes tags from a user pool.
func (s *Service) UntagResource(ctx context.Context, in *cip.UntagResourceRequest) (*cip.UntagResourceResponse, error) {
	id, err := s.poolIDFromARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	_, err = s.updatePool(ctx, id, func(d *poolState) error {
		cur, ok := s.tagsAt(d, in.ResourceArn)
		if !ok {
			return poolNotFound(id)
		}
		tags := maps.Clone(*cur)
		if tags == nil {
			tags = map[string]string{}
		}
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		*cur = tags
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UntagResourceResponse{}, nil
}

// ListTagsForResource lists a user pool's tags.
func (s *Service) ListTagsForResource(ctx context.Context, in *cip.ListTagsForResourceRequest) (*cip.ListTagsForResourceResponse, error) {
	id, err := s.poolIDFromARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	d, err := s.loadPool(ctx, id)
	if err != nil {
		return nil, err
	}
	cur, ok := s.tagsAt(d, in.ResourceArn)
	if !ok {
		return nil, poolNotFound(id)
	}
	tags := *cur
	if tags == nil {
		tags = map[string]string{}
	}
	return &cip.ListTagsForResourceResponse{Tags: tags}, nil
}

// tagsAt finds the tags an ARN names in a pool: the pool's own, or those of
// its replica in the ARN's Region (a replica's tags are its own, as in
// Cognito).
func (s *Service) tagsAt(d *poolState, arn string) (*map[string]string, bool) {
	if d.Pool.Arn == arn {
		return &d.Pool.UserPoolTags, true
	}
	for i := range d.Replicas {
		r := &d.Replicas[i]
		if s.replicaWire(d.Pool.Id, r.RegionName, RoleSecondary, r.Status).UserPoolArn == arn {
			return &r.UserPoolTags, true
		}
	}
	return nil, false
}
