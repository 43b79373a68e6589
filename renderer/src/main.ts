import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { locale, setLocale } from './i18n.ts';
import { router } from './router.ts';
import { applyTheme } from './theme.ts';
import './style.css';

applyTheme();
setLocale(locale.value);
createApp(App).use(createPinia()).use(router).mount('#app');
