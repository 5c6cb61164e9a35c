/** One list of Iterable's `GET /api/lists` answer. */
export interface IterableList {
  id: number
  name: string
  /** Standard (static), Dynamic, Suppression or Internal; only static lists take subscribers through the API. */
  listType?: string
  createdAt?: number
}
