// Request bodies as Iterable's API documents them. Only these keys are ever sent.

export type DataFields = Record<string, unknown>

export interface UserUpdateBody {
  email?: string
  userId?: string
  dataFields?: DataFields
  preferUserId?: boolean
  mergeNestedObjects?: boolean
}

export interface UpdateEmailBody {
  currentEmail?: string
  currentUserId?: string
  newEmail: string
}

export interface TrackEventBody {
  email?: string
  userId?: string
  eventName: string
  id?: string
  createdAt?: number
  dataFields?: DataFields
  campaignId?: number
  templateId?: number
}

export interface CommerceItem {
  id: string
  sku?: string
  name: string
  description?: string
  categories?: string[]
  price: number
  quantity: number
  imageUrl?: string
  url?: string
  dataFields?: DataFields
}

export interface CommerceUser {
  email?: string
  userId?: string
  dataFields?: DataFields
  preferUserId?: boolean
  mergeNestedObjects?: boolean
}

export interface TrackPurchaseBody {
  id?: string
  user: CommerceUser
  items: CommerceItem[]
  campaignId?: number
  templateId?: number
  total: number
  createdAt?: number
  dataFields?: DataFields
}

export interface UpdateCartBody {
  user: CommerceUser
  items: CommerceItem[]
}
