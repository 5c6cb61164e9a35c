import { BASE_URLS } from '../iterable/iterable-api'

export const CONSTANTS = {
  /** Iterable's US API root, as upstream's tests name it; requests take their URL from the data-center setting. */
  API_BASE_URL: `${BASE_URLS.united_states}/api`,
  EMAIL_PROJECT_TYPE: 'email',
  HYBRID_PROJECT_TYPE: 'hybrid',
  USER_ID_PROJECT_TYPE: 'userId'
} as const

export const PROJECT_TYPE_CHOICES = [
  { label: 'Hybrid Project', value: CONSTANTS.HYBRID_PROJECT_TYPE },
  { label: 'User ID-Based Project', value: CONSTANTS.USER_ID_PROJECT_TYPE },
  { label: 'Email-Based Project', value: CONSTANTS.EMAIL_PROJECT_TYPE }
]
