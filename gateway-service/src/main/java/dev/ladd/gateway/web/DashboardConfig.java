package dev.ladd.gateway.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The dashboard's static files are under {@code static/dashboard/}; its short addresses lead to its page. */
@Configuration
class DashboardConfig implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/dashboard", "/dashboard/index.html");
        registry.addRedirectViewController("/dashboard/", "/dashboard/index.html");
    }
}
