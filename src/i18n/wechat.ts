import type { Table } from './index.js';

/** What the WeChat adapter says on its own: greetings, and news of its connection for the admin rooms. */
export const wechatMessages = {
  'wechat.down': {
    zh: '⚠️ 微信机器人断开了（{reason}），{seconds} 秒后自动重连。这段时间微信群里的消息收不到，通知会在重连后补发。',
    en: '⚠️ The WeChat bot is disconnected ({reason}); reconnecting in {seconds} s. WeChat messages are not received meanwhile; notifications go out after it reconnects.',
  },
  'wechat.up': {
    zh: '✅ 微信机器人已重新上线（{name}）。',
    en: '✅ The WeChat bot is back online ({name}).',
  },
  'wechat.scanNeeded': {
    zh: '⚠️ 微信机器人需要重新扫码登录：请管理员在服务器日志里找到二维码（或它的链接），用机器人的微信号扫码。',
    en: "⚠️ The WeChat bot needs a new login: an admin should find the QR code (or its link) in the server log and scan it with the bot's WeChat account.",
  },
  'wechat.welcome': {
    zh: '你好，我是邻里助手 👋\n积分、券码和工单进展会私聊发给你。发送「帮助」查看可用命令。',
    en: 'Hello, I am Linli 👋\nPoints, voucher codes and ticket updates reach you here. Send /help to see the commands.',
  },
  'wechat.joined': {
    zh: '大家好，我是邻里助手。请工作人员在群里发送「绑定 绑定码」把本群绑定到网格；发送「帮助」查看可用命令。',
    en: 'Hello everyone, I am Linli. A staff member can bind this group with "/bind CODE"; send /help to see the commands.',
  },
  'wechat.privateChatHint': {
    zh: '加「{name}」为微信好友（验证信息写「{keyword}」），然后私聊我',
    en: 'add "{name}" as a WeChat friend (write "{keyword}" in the request), then message me',
  },
} as const satisfies Table;
