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
		if d.Pool.Arn != in.ResourceArn {
			return poolNotFound(id)
		}
		tags := maps.Clone(d.Pool.UserPoolTags)
		if tags == nil {
			tags = map[string]string{}
		}
		maps.Copy(tags, in.Tags)
		if len(tags) > MaxTagsPerResource {
			return awserr.Newf(awserr.UserPoolTagging, "A resource can have at most %d tags.", MaxTagsPerResource)
		}
		d.Pool.UserPoolTags = tags
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
		if d.Pool.Arn != in.ResourceArn {
			return poolNotFound(id)
		}
		tags := maps.Clone(d.Pool.UserPoolTags)
		if tags == nil {
			tags = map[string]string{}
		}
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		d.Pool.UserPoolTags = tags
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
	if d.Pool.Arn != in.ResourceArn {
		return nil, poolNotFound(id)
	}
	tags := d.Pool.UserPoolTags
	if tags == nil {
		tags = map[string]string{}
	}
	return &cip.ListTagsForResourceResponse{Tags: tags}, nil
}
