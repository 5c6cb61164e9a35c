import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'

// dayjs with the UTC plugin, imported by destinations as `../../lib/dayjs`, as in Segment's action-destinations.
dayjs.extend(utc)

export default dayjs
