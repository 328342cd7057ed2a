/**
 * Where TikTok Shop's bodies carry buyer personal data. Its webhooks are thin (order id and
 * status); a listed order (topic hub.order-sync, Get Order Detail's order) has `user_id` (the
 * buyer's TikTok id), `buyer_email`, `buyer_message`, `recipient_address` (name, phone, lines,
 * postal code), and Brazil's tax id and its holder's name (`cpf`, `cpf_name`). Sources:
 * https://partner.tiktokshop.com/docv2/page/650aa8094a0bb702c06df242 (Get Order Detail) and
 * /work/shared/realworld-samples/tiktok-shop/get-order-detail-202507.response.json.
 */
import type { PersonalDataFields } from '../types.js'

export const personalData = {
  keys: [
    'user_id',
    'buyer_uid',
    'buyer_email',
    'buyer_nickname',
    'buyer_message',
    'recipient_address',
    'cpf',
    'cpf_name',
  ],
} as const satisfies PersonalDataFields
