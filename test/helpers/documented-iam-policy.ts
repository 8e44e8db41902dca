/**
 * The minimum IAM policy from Claude Code's Bedrock documentation (spec §11.1), verbatim, as
 * the expected value for `cc-bedrock iam-policy --scope all`. Kept as test data, apart from the
 * generator in src/iam, so the two are checked against each other.
 */
export const DOCUMENTED_IAM_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowModelAndInferenceProfileAccess',
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream', 'bedrock:ListInferenceProfiles', 'bedrock:GetInferenceProfile'],
      Resource: [
        'arn:aws:bedrock:*:*:inference-profile/*',
        'arn:aws:bedrock:*:*:application-inference-profile/*',
        'arn:aws:bedrock:*:*:foundation-model/*',
      ],
    },
    {
      Sid: 'AllowMarketplaceSubscription',
      Effect: 'Allow',
      Action: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:CalledViaLast': 'bedrock.amazonaws.com' } },
    },
  ],
} as const;
